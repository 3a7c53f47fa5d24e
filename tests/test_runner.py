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
    res, out, log = _script(
        tmp_path,
        """
        from aicoord.errors import InputError
        raise InputError("unknown province '工苏'", file="p.csv", row=73, column="省份", hint="did you mean '江苏'?")
    """,
    )
    assert res.returncode == 2
    line = "aicoord rule demo: bad input: file 'p.csv', row 73, column '省份': unknown province '工苏' (did you mean '江苏'?)"
    assert res.stderr.strip() == line
    assert line in log.read_text(encoding="utf-8") and not out.exists()


def test_estimation_error_has_its_own_status(tmp_path):
    res, out, _ = _script(
        tmp_path,
        """
        from aicoord.errors import EstimationError
        raise EstimationError("rho = 0.999 is on the bound", hint="try another weights matrix")
    """,
    )
    assert res.returncode == 3 and "estimation failed: rho = 0.999" in res.stderr and "Traceback" not in res.stderr
    assert not out.exists()


def test_a_bug_keeps_its_traceback_in_the_log(tmp_path):
    res, out, log = _script(tmp_path, "1 / 0\n")
    assert res.returncode != 0 and "ZeroDivisionError" in log.read_text(encoding="utf-8") and not out.exists()


# ---- the generic adapter: a rule's named entries are its step's keyword arguments


def _job(inputs, outputs, params, rule="demo"):
    """A Snakemake job as scripts/step.py sees it: Namedlists of (name, value or list of values)."""
    import types

    from snakemake.iocontainers import Namedlist

    def named(pairs, flatten=True):
        nl = Namedlist()
        for name, value in pairs:
            start = len(nl)
            if isinstance(value, list) and flatten:  # files: a list is a range; a param is one entry
                nl.extend(value)
                if name:
                    nl._set_name(name, start, end=len(nl))
            else:
                nl.append(value)
                if name:
                    nl._set_name(name, start)
        return nl

    return types.SimpleNamespace(
        input=named(inputs), output=named(outputs), params=named(params, flatten=False), rule=rule, log=[]
    )


def test_named_entries_become_keyword_arguments_of_the_named_step():
    from aicoord.runner import step_arguments

    job = _job(
        [("panel_csv", "p.csv"), ("mechanism_csvs", ["a.csv", "b.csv"])],
        [("out_csv", "o.csv")],
        [("step", "aicoord.steps.study.mechanisms"), ("alpha", 0.05), ("controls", ["x", "z"])],
    )
    target, kwargs = step_arguments(job)
    assert target == "aicoord.steps.study.mechanisms"
    assert kwargs == {
        "panel_csv": "p.csv",
        "mechanism_csvs": ["a.csv", "b.csv"],
        "out_csv": "o.csv",
        "alpha": 0.05,
        "controls": ["x", "z"],
    }
    assert type(kwargs["panel_csv"]) is str and all(type(p) is str for p in kwargs["mechanism_csvs"])


def test_an_unnamed_entry_a_name_used_twice_or_no_step_is_refused_with_the_fix():
    import pytest

    from aicoord.runner import step_arguments

    step = ("step", "aicoord.steps.study.verdict")
    with pytest.raises(TypeError, match=r"rule demo: output entry 1 has no name.*output: name="):
        step_arguments(_job([("csv", "a.csv")], [(None, "o.csv")], [step]))
    with pytest.raises(TypeError, match="'alpha' names both a params entry"):
        step_arguments(_job([("alpha", "a.csv")], [("out", "o.csv")], [step, ("alpha", 0.05)]))
    with pytest.raises(TypeError, match=r'params.step must name its step function, step="aicoord.steps.'):
        step_arguments(_job([("csv", "a.csv")], [("out", "o.csv")], [("alpha", 0.05)]))


def test_run_rule_calls_the_step_and_a_step_error_is_still_one_clean_line(tmp_path):
    out = tmp_path / "weights_summary.csv"
    log = tmp_path / "step.log"
    code = textwrap.dedent(f"""
        import types
        from snakemake.iocontainers import Namedlist
        from aicoord.runner import run_rule

        def named(**kw):
            nl = Namedlist(list(kw.values()))
            for i, k in enumerate(kw):
                nl._set_name(k, i)
            return nl

        snakemake = types.SimpleNamespace(input=named(), output=named(out_csv={str(out)!r}), log=[{str(log)!r}],
                                          params=named(step="aicoord.steps.weights.weights_summary"), rule="demo")
        snakemake.input = Namedlist([{str(tmp_path / "missing.json")!r}])
        snakemake.input._set_name("summary_jsons", 0, end=1)
        run_rule(snakemake)
    """)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    # the step ran (it tried to read its input) and its failure is the step's, with no output left
    assert res.returncode != 0 and "missing.json" in log.read_text(encoding="utf-8") and not out.exists()
