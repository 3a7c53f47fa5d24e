"""Three files from an output to its code: every rule in workflow/rules/<file>.smk runs the step function
aicoord.steps.<file>.<rule> (named in its params.step) through the one script scripts/step.py, and
tests/steps/test_<file>.py tests that function (uses it by name). Read from the rule files' text: no
Snakemake run, so it is quick."""

import ast
import importlib
import inspect
import re

import pytest

from helpers import ROOT

RULES = ROOT / "workflow/rules"
#: the rule files that hold helpers, not rules
HELPERS = {"common"}


def rule_blocks(path):
    """``{rule name: its text}`` of a rule file (rules nested under an ``if`` included)."""
    text = path.read_text(encoding="utf-8")
    heads = list(re.finditer(r"^(\s*)rule (\w+):\n", text, re.M))
    out = {}
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        out[m.group(2)] = text[m.end() : end]
    return out


def entry_sections(block):
    """The text of a rule's input, output and params sections, dedented to their entries."""
    out = []
    for m in re.finditer(r"^(\s*)(input|output|params):\n((?:\1\s+.*\n|\s*\n)*)", block, re.M):
        indent = len(m.group(1)) + 4
        out.append("\n".join(line[indent:] for line in m.group(3).splitlines()))
    return out


def rule_files():
    return sorted(p for p in RULES.glob("*.smk") if p.stem not in HELPERS)


def all_rules():
    return [(p.stem, name, block) for p in rule_files() for name, block in rule_blocks(p).items()]


def test_the_rule_files_have_rules():
    assert {p.stem for p in rule_files()} >= {
        "data",
        "did",
        "esda",
        "geometry",
        "measures",
        "paper",
        "seed",
        "study",
        "weights",
    }
    assert len(all_rules()) >= 52


@pytest.mark.parametrize(
    "stem,rule,block", all_rules(), ids=lambda v: v if isinstance(v, str) and "\n" not in v else ""
)
def test_rule_step_and_test_are_three_files(stem, rule, block):
    # 1. the rule names its step: aicoord.steps.<rule file>.<rule>, run by the one generic script
    step = re.search(r'^\s*step="([\w.]+)",', block, re.M)
    assert step, f"rule {rule} ({stem}.smk) has no params: step=..."
    assert step.group(1) == f"aicoord.steps.{stem}.{rule}"
    assert re.search(r'script:\s*\n\s*"\.\./\.\./scripts/step\.py"', block), f"rule {rule}: script is not step.py"
    assert "conda:" not in block, f"rule {rule}: the conda environment is set once, in the Snakefile"
    # 2. the step function exists in that module, is public and is the module's own
    module = importlib.import_module(f"aicoord.steps.{stem}")
    fn = getattr(module, rule, None)
    assert callable(fn), f"aicoord.steps.{stem} has no function {rule}"
    assert rule in module.__all__
    assert fn.__module__ == module.__name__, f"{rule} is imported into aicoord.steps.{stem}, not defined there"
    # every name the rule passes is a parameter of the step (or lands in its **kwargs)
    sig = inspect.signature(fn)
    takes_any = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
    passed = {name for section in entry_sections(block) for name in re.findall(r"^(\w+)=", section, re.M)}
    passed -= {"step"}
    unknown = {n for n in passed if n not in sig.parameters}
    assert takes_any or not unknown, f"rule {rule} passes {sorted(unknown)}, not parameters of its step"
    # 3. its test file mirrors the rule file and calls the step by name
    test = ROOT / f"tests/steps/test_{stem}.py"
    assert test.exists(), f"no tests/steps/test_{stem}.py"
    names = {
        node.attr if isinstance(node, ast.Attribute) else node.id
        for node in ast.walk(ast.parse(test.read_text(encoding="utf-8")))
        if isinstance(node, (ast.Attribute, ast.Name))
    }
    assert rule in names, f"tests/steps/test_{stem}.py does not use {rule}"


def test_one_script_for_every_rule():
    assert sorted(p.name for p in (ROOT / "scripts").glob("*.py")) == ["step.py"]
