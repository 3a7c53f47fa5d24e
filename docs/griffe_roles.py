"""Griffe extension of the documentation site: Sphinx roles of the docstrings rendered as code.

The docstrings use reStructuredText roles (``:func:`name```, ``:class:`~module.Name```), which Markdown would show
literally; they become code spans (``name``).
"""

from __future__ import annotations

import re

import griffe

ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|exc|obj|const|term|ref):`~?([^`]+)`")


class SphinxRoles(griffe.Extension):
    """Replace every Sphinx role of a docstring by a code span of its target."""

    def on_object(self, *, obj, loader, **kwargs) -> None:
        """Rewrite the docstring of ``obj`` (every module, class, function and attribute)."""
        if obj.docstring is not None:
            obj.docstring.value = ROLE.sub(r"`\1`", obj.docstring.value)
