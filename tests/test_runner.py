"""aicoord.runner: a step's project error becomes one clean message and status, with no outputs left."""
import subprocess
import sys
import textwrap

from helpers import ROOT


def _script(tmp_path, body):
    """Run a script the way Snakemake does: a ``snakemake`` object with input, output, log, rule."""
    out = tmp_path / "out.csv"
    log = tmp_path / "step.log"
    code = textwrap.dedent(f"""
        import types
        from aicoord.runner import step
        snakemake = types.SimpleNamespace(output=[{str(out)!r}], log=[{str(log)!r}], rule="demo")
        with step(snakemake) as sm:
            open(sm.output[0], "w").write("half")
    """) + textwrap.indent(textwrap.dedent(body), "    ")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    return res, out, log


def test_input_error_is_one_clean_line_and_no_output(tmp_path):
    res, out, log = _script(tmp_path, """
        from aicoord.errors import InputError
        raise InputError("unknown province '工苏'", file="p.csv", row=73, column="省份", hint="did you mean '江苏'?")
    """)
    assert res.returncode == 2
    line = "aicoord rule demo: bad input: file 'p.csv', row 73, column '省份': unknown province '工苏' (did you mean '江苏'?)"
    assert res.stderr.strip() == line
    assert line in log.read_text(encoding="utf-8") and not out.exists()


def test_estimation_error_has_its_own_status(tmp_path):
    res, out, _ = _script(tmp_path, """
        from aicoord.errors import EstimationError
        raise EstimationError("rho = 0.999 is on the bound", hint="try another weights matrix")
    """)
    assert res.returncode == 3 and "estimation failed: rho = 0.999" in res.stderr and "Traceback" not in res.stderr
    assert not out.exists()


def test_a_bug_keeps_its_traceback_in_the_log(tmp_path):
    res, out, log = _script(tmp_path, "1 / 0\n")
    assert res.returncode != 0 and "ZeroDivisionError" in log.read_text(encoding="utf-8") and not out.exists()
