"""The ``aicoord`` command line, usable without Snakemake.

Each subcommand lives in ``aicoord.commands.<module>`` and provides ``add_arguments(parser)`` and
``run(args) -> int``. Subcommands are imported only when chosen, so ``aicoord --help`` stays fast.

Exit status: 0 on success, 2 for bad input (:class:`aicoord.errors.InputError`: the message names the
file, row and column and how to fix it), 3 when an estimation fails numerically
(:class:`aicoord.errors.EstimationError`: the message says what to try). Both print one line, no
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import AicoordError

__all__ = ["main", "help_text"]

#: subcommand -> (module, one-line help)
COMMANDS = {
    "weights": ("aicoord.commands.weights", "build a provincial spatial weights matrix"),
    "moran": ("aicoord.commands.moran", "global Moran's I (normality, randomisation, permutation)"),
    "lisa": ("aicoord.commands.lisa", "local Moran (LISA) with quadrants and cluster labels"),
    "inequality": ("aicoord.commands.inequality", "CV, Theil and Dagum Gini decompositions"),
    "fit-panel": ("aicoord.commands.fit_panel", "maximum-likelihood spatial panel models"),
    "did": (
        "aicoord.commands.did",
        "staggered spatial difference-in-differences (AI pilot zones or a treatment-year column)",
    ),
    "template": ("aicoord.commands.template", "write an empty province-year panel (.xlsx) and its panel: snippet"),
}


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are ONE line, like the other bad-input messages (exit status 2)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: bad input: {message} (see '{self.prog} --help')\n")


def _build_parser(argv):
    parser = _Parser(prog="aicoord", description=__doc__.splitlines()[0])
    from . import __version__

    parser.add_argument("--version", action="version", version=f"aicoord {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            mod = importlib.import_module(module)
            mod.add_arguments(p)
            p.set_defaults(_run=mod.run)
    return parser


def help_text(command: str | None = None, *, width: int = 100) -> str:
    """The ``--help`` text of ``aicoord`` (``command=None``) or of one subcommand, built from its parser.

    Parameters
    ----------
    command : str, optional
        A key of :data:`COMMANDS`; ``None`` gives the top-level help.
    width : int
        Line width of the text (the terminal's width is not used, so that the text is the same everywhere).

    Returns
    -------
    str
        The text that ``aicoord [COMMAND] --help`` prints, wrapped at ``width``; the documentation's CLI
        reference is made of these, so it cannot drift from the parsers.
    """

    def formatter(prog):
        return argparse.HelpFormatter(prog, width=width)

    if command is None:
        parser = _build_parser([])
        parser.formatter_class = formatter
        return parser.format_help()
    module, description = COMMANDS[command]
    parser = _Parser(prog=f"aicoord {command}", description=description, formatter_class=formatter)
    importlib.import_module(module).add_arguments(parser)
    return parser.format_help()


def main(argv=None) -> int:
    """Run the command line; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) or a bad argument (2, one line on stderr)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return int(args._run(args) or 0)
    except AicoordError as exc:  # bad input (exit 2) or a failed estimation (exit 3): one clean message
        from .runner import clean_message

        print(clean_message(exc, args.command), file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
