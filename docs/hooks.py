"""MkDocs hooks of the documentation site (``hooks:`` in ``mkdocs.yml``).

* The API reference is one generated page per public module of ``aicoord`` (``:::`` of mkdocstrings), so a new
  module gets its page and a removed one loses it without editing the site.
* A page that the ``nav`` of ``mkdocs.yml`` does not list is added to the section of its folder (``docs/guide/`` to
  "User guide", ``docs/validation/`` to "Validation", ``docs/reference/`` to "Reference"; any other before the API
  reference), so a page added with a feature is never left out.
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
#: nav section -> folder of docs/ whose unlisted pages it receives
SECTION_FOLDERS = {"User guide": "guide", "Validation": "validation", "Reference": "reference"}
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
    """Fill the API section of the nav and add every page that the nav does not list to the section of its folder."""
    nav = config["nav"]
    docs = Path(config["docs_dir"])
    listed = _listed(nav)
    unlisted = sorted(
        p.relative_to(docs).as_posix()
        for p in docs.rglob("*.md")
        if p.relative_to(docs).as_posix() not in listed and not p.relative_to(docs).as_posix().startswith("api/")
    )
    placed: set[str] = set()
    for entry in nav:
        if not isinstance(entry, dict):
            continue
        ((title, items),) = entry.items()
        if title == API_SECTION:
            entry[title] = list(items or []) + _api_nav(public_modules())
        elif title in SECTION_FOLDERS:
            extra = [p for p in unlisted if p.startswith(SECTION_FOLDERS[title] + "/")]
            entry[title] = list(items or []) + extra
            placed |= set(extra)
    nav[-1:-1] = [p for p in unlisted if p not in placed]  # any other page: before the API reference
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
