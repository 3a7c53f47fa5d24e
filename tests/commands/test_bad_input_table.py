"""Every bad-input class of tests/bad_inputs.py through the command line: the exit status, ONE line on standard
error with the expected words, no traceback, and nothing written."""

import pytest

from aicoord.cli import main
from bad_inputs import CLI_CASES


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c["id"], marks=[pytest.mark.xfail(strict=True, reason=c["xfail"])] if c.get("xfail") else [])
        for c in CLI_CASES
    ],
)
def test_bad_input_class_gives_one_clean_line(case, tmp_path, capsys):
    out = tmp_path / "result.out"
    argv = [str(out) if a == "{out}" else a for a in case["argv"](tmp_path)]
    capsys.readouterr()
    rc = main(argv)
    err = capsys.readouterr().err
    assert rc == case["status"], err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    for word in case["expect"]:
        assert word in lines[0], (word, lines[0])
    assert "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".result*"))
