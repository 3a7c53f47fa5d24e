"""The command line's help text (``aicoord.cli.help_text``), from which the documentation's CLI reference is
generated (docs/hooks.py), and the documentation's files that the README and the site point to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from aicoord.cli import COMMANDS, help_text, main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_text_is_what_help_prints(command, capsys, monkeypatch):
    """The generated reference is exactly what ``aicoord [COMMAND] --help`` prints at the same width."""
    monkeypatch.setenv("COLUMNS", "102")  # argparse wraps at COLUMNS - 2
    argv = [command, "--help"] if command else ["--help"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert printed == help_text(command, width=100)
    assert printed.startswith(f"usage: aicoord {command}" if command else "usage: aicoord ")


def test_help_text_lists_every_option():
    """Every option string of a subcommand's parser is in its help text (none is hidden from the reference)."""
    import argparse
    import importlib

    for name, (module, _) in COMMANDS.items():
        parser = argparse.ArgumentParser(prog=f"aicoord {name}")
        importlib.import_module(module).add_arguments(parser)
        text = help_text(name)
        options = [s for a in parser._actions for s in a.option_strings]
        assert len(options) > 2
        assert [o for o in options if o not in text] == []


def test_unknown_command_has_no_help_text():
    with pytest.raises(KeyError):
        help_text("not-a-command")


def _nav_files(nav) -> list[str]:
    out = []
    for entry in nav:
        for value in entry.values() if isinstance(entry, dict) else [entry]:
            out += _nav_files(value) if isinstance(value, list) else [value]
    return out


def test_site_pages_and_readme_links_exist():
    """Every page of the site's nav and every docs/ link of the README is a file; the README stays short."""

    class Loader(yaml.SafeLoader):
        pass

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    pages = _nav_files(config["nav"])
    assert len(pages) >= 15 and "reference/cli.md" in pages
    missing = [p for p in pages if not (ROOT / "docs" / p).is_file()]
    assert missing == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    links = re.findall(r"\]\((docs/[^)#]+)", readme)
    assert len(links) >= 10
    assert [link for link in links if not (ROOT / link).is_file()] == []
    assert "<!-- aicoord-cli-help -->" in (ROOT / "docs/reference/cli.md").read_text(encoding="utf-8")
