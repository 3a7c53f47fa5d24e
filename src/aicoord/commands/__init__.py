"""Subcommands of the ``aicoord`` command line (see :mod:`aicoord.cli`)."""
