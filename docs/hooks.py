"""MkDocs hooks of the documentation site (``hooks:`` in ``mkdocs.yml``).

* The API reference is one generated page per public module of ``aicoord`` (``:::`` of mkdocstrings), so a new
  module gets its page and a removed one loses it without editing the site.
* Guide pages under ``docs/guide/`` that the ``nav`` does not list are appended to the "User guide" section, so a
  page added with a feature is never left out.
* ``reference/cli.md`` gets the ``--help`` of every ``aicoord`` subcommand from the argparse parsers themselves
  (``aicoord.cli.help_text``), in place of the marker ``<!-- aicoord-cli-help -->``.
* A public module, class, function or method without a docstring is a warning, which ``mkdocs build --strict``
  turns into a failure.
"""

from __future__ import annotations

import logging
import pkgutil
from pathlib import Path

from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.plugins.aicoord")

PACKAGE = "aicoord"
API_SECTION = "API reference"
GUIDE_SECTION = "User guide"
CLI_MARKER = "<!-- aicoord-cli-help -->"


def public_modules() -> list[str]:
    """Every importable module of ``aicoord`` whose dotted name has no part starting with an underscore."""
    import aicoord

    names = [PACKAGE] + [m.name for m in pkgutil.walk_packages(aicoord.__path__, f"{PACKAGE}.")]
    return sorted(n for n in names if not any(part.startswith("_") for part in n.split(".")))


def _api_nav(modules: list[str]) -> list:
    """The API section: the top-level modules, then one group per subpackage (``aicoord.panel``, ...)."""
    packages = {".".join(m.split(".")[:2]) for m in modules if m.count(".") >= 2}
    groups: dict[str, list] = {}
    for name in modules:
        group = ".".join(name.split(".")[:2]) if ".".join(name.split(".")[:2]) in packages else PACKAGE
        groups.setdefault(group, []).append({name: f"api/{name}.md"})
    top = groups.pop(PACKAGE, [])
    return [{PACKAGE: top}] + [{group: entries} for group, entries in sorted(groups.items())]


def _listed(nav) -> set[str]:
    out: set[str] = set()
    for entry in nav or []:
        values = entry.values() if isinstance(entry, dict) else [entry]
        for v in values:
            out |= _listed(v) if isinstance(v, list) else {v}
    return out


def on_config(config):
    """Fill the API section of the nav and add unlisted guide pages to the user guide."""
    nav = config["nav"]
    docs = Path(config["docs_dir"])
    listed = _listed(nav)
    for entry in nav:
        if not isinstance(entry, dict):
            continue
        if API_SECTION in entry:
            entry[API_SECTION] = list(entry[API_SECTION] or []) + _api_nav(public_modules())
        if GUIDE_SECTION in entry:
            extra = sorted(p.relative_to(docs).as_posix() for p in (docs / "guide").glob("*.md"))
            entry[GUIDE_SECTION] = list(entry[GUIDE_SECTION]) + [p for p in extra if p not in listed]
    _check_docstrings()
    return config


def on_files(files, config):
    """Add one generated page per public module under ``api/``."""
    for name in public_modules():
        content = f"# `{name}`\n\n::: {name}\n"
        files.append(File.generated(config, f"api/{name}.md", content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    """Put the ``--help`` of every subcommand into the CLI reference."""
    if CLI_MARKER not in markdown:
        return markdown
    from aicoord.cli import COMMANDS, help_text

    parts = ["## `aicoord`", "", "```text", help_text(None).rstrip(), "```", ""]
    for name in COMMANDS:
        parts += [f"## `aicoord {name}`", "", "```text", help_text(name).rstrip(), "```", ""]
    return markdown.replace(CLI_MARKER, "\n".join(parts))


def _check_docstrings() -> None:
    import griffe

    root = griffe.load(PACKAGE, docstring_parser="numpy", resolve_aliases=False)

    def visit(obj) -> None:
        for name, member in obj.members.items():
            if member.is_alias or name.startswith("_"):
                continue
            if member.is_module or member.is_class or member.is_function:
                if not member.docstring:
                    log.warning("no docstring: %s (%s:%s)", member.path, member.relative_filepath, member.lineno or 1)
                if member.is_module or member.is_class:
                    visit(member)

    if not root.docstring:
        log.warning("no docstring: %s", PACKAGE)
    visit(root)
