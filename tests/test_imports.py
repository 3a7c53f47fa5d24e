"""Architecture of the package's imports: no module imports another module's private names, and no module
reaches into a private module (``_name.py``) of another package. The layers and the absence of import circles
are import-linter's contracts (pyproject.toml, ``lint-imports`` in .ci/run); ruff has no rule for this."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def _modules():
    for path in sorted((SRC / "aicoord").rglob("*.py")):
        rel = path.relative_to(SRC)
        parts = list(rel.with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        yield path, ".".join(parts), is_package


def _resolve(node, module, is_package):
    """The absolute module name of an ``ImportFrom`` (relative imports resolved against ``module``)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _private(name):
    return name.startswith("_") and not name.startswith("__")


def _violations():
    out = []
    for path, module, is_package in _modules():
        rel = path.relative_to(SRC).as_posix()
        package = module if is_package else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                target = _resolve(node, module, is_package)
                if not target.startswith("aicoord"):
                    continue
                names = [target] + [f"{target}.{a.name}" for a in node.names]
                for a in node.names:
                    folder = SRC.joinpath(*target.split("."))
                    is_module = (folder / f"{a.name}.py").exists() or (folder / a.name).is_dir()
                    if _private(a.name) and not is_module:  # a private module: the check below
                        out.append(f"{rel}:{node.lineno} imports the private name {a.name} of {target}")
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("aicoord")]
            else:
                continue
            for name in names:  # a private module may be imported only inside its own package
                parts = name.split(".")
                for i, part in enumerate(parts):
                    owner = ".".join(parts[:i])
                    if _private(part) and not (package == owner or package.startswith(owner + ".")):
                        out.append(f"{rel}:{node.lineno} imports {name}, private to {owner}")
                        break
    return sorted(set(out))


def test_no_module_imports_private_names_of_another():
    assert _violations() == []


@pytest.mark.parametrize(
    "source, bad",
    [
        ("from .fixed import _line_search\n", True),
        ("from aicoord.panel._numeric import inverse\n", True),  # from outside aicoord.panel
        ("import aicoord.panel._numeric\n", True),
        ("from ..panel import SpatialPanel\n", False),
        ("from ._common import direction\n", False),  # inside aicoord.study
        ("from . import _common\n", False),
    ],
)
def test_the_check_finds_what_it_should(tmp_path, monkeypatch, source, bad):
    """The scan itself, on a module of a fake tree: it flags private names and foreign private modules only."""
    fake = tmp_path / "src"
    (fake / "aicoord" / "study").mkdir(parents=True)
    for f in ("aicoord/__init__.py", "aicoord/study/__init__.py", "aicoord/study/_common.py"):
        (fake / f).write_text("")
    (fake / "aicoord" / "study" / "models.py").write_text(source)
    monkeypatch.setitem(globals(), "SRC", fake)
    assert bool(_violations()) is bad
