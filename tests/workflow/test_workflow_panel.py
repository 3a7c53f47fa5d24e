"""The panel through Snakemake: the simulated demo says so everywhere; a real-format panel with Chinese headers
and unfamiliar column names runs the whole default study with only panel.file and panel.dictionary changed, and
nothing then says "simulated"; a bad panel file fails with one located message, no traceback and no output."""

import json

import pandas as pd
import pytest
import yaml

from helpers import (
    FAST,
    ROOT,
    binomial_bounds,
    job_counts,
    make_study,
    real_format_panel,
    real_overlay,
    run_snakemake,
    write_overlay,
)

#: every workflow test runs on one xdist worker, so the default study is built once per session

MEASURES = [
    "results/data/panel.csv",
    "results/tables/inequality_panel.csv",
    "results/tables/dagum_pairs_panel.csv",
    "results/tables/inequality_ai2023.csv",
    "results/tables/composite_indices.csv",
    "results/tables/coupling_coordination.csv",
    "results/tables/beta_convergence.csv",
    "results/figures/kde_gdp_pc.png",
    "results/weights/economic.csv",
]
DEMO = ["results/demo/truth.json", "results/demo/truth.csv", "results/tables/demo_recovery.csv"]


def _texts(wd):
    files = [p for p in (wd / "results").rglob("*.csv")] + [p for p in (wd / "results").rglob("*.json")]
    return {str(p.relative_to(wd)): p.read_text(encoding="utf-8") for p in files}


def test_demo_outputs_say_simulated(default_study):
    r = default_study / "results"
    for rel in MEASURES + DEMO:
        assert (default_study / rel).stat().st_size > 0, rel
    for rel in [
        "tables/inequality_panel.csv",
        "tables/coupling_coordination.csv",
        "tables/beta_convergence.csv",
        "tables/demo_recovery.csv",
        "tables/composite_indices.csv",
        "demo/truth.csv",
        "data/panel.csv",
    ]:
        notes = pd.read_csv(r / rel)["note"]
        assert notes.str.contains("simulated data", case=False).all(), rel
    # the real cross-section keeps its own, non-simulated note
    assert not pd.read_csv(r / "tables/inequality_ai2023.csv")["note"].str.contains("simulated", case=False).any()
    econ = json.loads((default_study / "results/weights/economic_summary.json").read_text(encoding="utf-8"))
    assert "simulated data" in econ["note"].lower()
    allrec = pd.read_csv(r / "tables/demo_recovery.csv")
    rec = allrec[allrec["equation"] == "outcome"]
    lo, hi = binomial_bounds(len(rec), 0.95, 0.001)  # two-sided binomial bounds on the covering count
    assert len(rec) == 37 and lo <= rec["covers"].sum() <= hi
    # the default demo's AI is endogenous (demo.endogenous: true): AI's baseline effects by spatial 2SLS cover the
    # truth, ML's direct effect misses it (tests/test_simulate.py checks the same on the default seed)
    base = allrec[allrec["equation"] == "baseline"].set_index(["estimator", "parameter"])
    assert base.loc[[("2sls", k) for k in ("direct", "indirect", "total")], "covers"].all()
    assert not base.loc[("ml", "direct"), "covers"]


def _check_user_panel(wd):
    """What is particular to a user's panel file: only panel.file and panel.dictionary configured, no demo job
    in the DAG, its headers, dictionary and note (never "simulated") in every output, its own controls."""
    overlay = yaml.safe_load((wd / "config/config.yaml").read_text(encoding="utf-8"))
    assert set(overlay) - set(FAST) == {"panel"} and set(overlay["panel"]) == {"file", "dictionary"}
    res = run_snakemake(wd, "-n", "-F")  # every job of the DAG: no demo outputs and no simulate_panel job
    assert "simulate_panel" not in res.stdout + res.stderr and "demo_recovery" not in res.stdout + res.stderr
    assert not (wd / "results/demo").exists()
    for rel in MEASURES:
        assert (wd / rel).stat().st_size > 0, rel
    texts = _texts(wd)
    assert texts and not [k for k, v in texts.items() if "simulat" in v.lower()]
    p = pd.read_csv(wd / "results/data/panel.csv")
    assert len(p) == 31 * 13 and (p["note"] == "数据来源: panel file data/raw/panel_test.csv").all()  # zh, the default
    assert {"gov_int", "urb_rate"} <= set(p.columns)
    beta = pd.read_csv(wd / "results/tables/beta_convergence.csv")
    assert set(beta.loc[beta["type"] == "conditional", "controls"]) == {"gov_int;urb_rate"}


@pytest.fixture(scope="module")
def real_measures(tmp_path_factory):
    """The real-format panel with only panel.file and panel.dictionary configured, run through the panel and the
    panel measures (13 jobs): the fast suite's part of the real-panel study."""
    wd = make_study(tmp_path_factory.mktemp("real_measures"), real_overlay("data/raw/panel_test.csv"))
    real_format_panel(wd / "data/raw/panel_test.csv")
    run_snakemake(wd, *MEASURES)
    return wd


def test_real_panel_reaches_the_measures_with_only_file_and_dictionary(real_measures):
    """What is particular to a user's panel file, on the panel and the measures: the DAG has no demo job, the
    file is read with its Chinese headers and dictionary, its note (and never "simulated") reaches every output,
    the controls are its own columns. The same checks on the whole study: the slow test below."""
    _check_user_panel(real_measures)


@pytest.mark.slow(
    reason="the whole default study a second time, on the real-format panel (76 jobs, about 3 "
    "CPU-minutes; the longest task of the fast suite beside the default study): the DAG is the "
    "default study's (the tests of default_study); what a user's panel file changes -- no demo "
    "job, its headers, dictionary and note, never 'simulated' -- is checked in the fast suite "
    "on the panel and the measures (test above); the verdicts of setting B and the rerun after "
    "a proxy change are checked here"
)
def test_real_panel_runs_the_whole_default_study_with_only_file_and_dictionary(real_study):
    wd, truth = real_study  # the whole default study on the real-format panel (tests/workflow/conftest.py)
    _check_user_panel(wd)
    # the study on this panel finds the generator's setting-B truths
    _verdicts_equal_truth(wd, truth)
    # changing one mechanism's proxy reruns only the jobs that use it
    over = real_overlay("data/raw/panel_test.csv")
    over["panel"]["dictionary"]["mechanisms"]["value_chain"] = "价值链位置_备选"
    (wd / "config/config.yaml").write_text(yaml.safe_dump(over, allow_unicode=True), encoding="utf-8")
    jobs = job_counts(run_snakemake(wd, "-n"))
    n_variants = len(default_config()["analysis"]["robustness"]["weights"]) * len(
        default_config()["analysis"]["robustness"]["samples"]
    )
    # the proxy's file, its channel, the tables that collect channels or the grid, the mechanism index, and the
    # paper tables and figures built from them; the other channels, the baseline and the ESDA do not rerun
    uses = {
        "mechanism_data",
        "mechanism",
        "mechanisms",
        "composite_indices",
        "robustness",
        "verdict",
        "paper_descriptive",
        "paper_correlation",
        "paper_mechanisms",
        "paper_robustness",
        "paper_verdict",
        "paper_figure_effects",
        "paper_figure_mediation",
        "paper_tables",
        "paper_readme",
        "all",
    }
    assert jobs == {**{j: 1 for j in uses}, "robustness_variant": n_variants, "total": len(uses) + n_variants}, jobs
    write_overlay(wd, real_overlay("data/raw/panel_test.csv"))  # the shared study's configuration back as it was


def default_config():
    return yaml.safe_load((ROOT / "config/config.default.yaml").read_text(encoding="utf-8"))


def _verdicts_equal_truth(wd, truth):
    """verdict.csv equals the generator's true verdicts; AI's baseline effects cover their true values."""
    v = pd.read_csv(wd / "results/tables/verdict.csv").set_index("mechanism")
    assert v.loc["baseline", "verdict"] == truth["verdicts"]["baseline"]["verdict"]
    for m, t in truth["verdicts"]["mechanisms"].items():
        assert v.loc[m, "verdict"] == t["verdict"], (m, v.loc[m].to_dict(), t)
    if truth.get("endogeneity"):  # AI endogenous: the baseline row rests on spatial 2SLS, whose intervals cover
        assert v.loc["baseline", "basis"] == "iv"
        e = pd.read_csv(wd / "results/tables/identification.csv").set_index(["estimator", "effect"])
        rows = {
            k: e.loc[("iv", k)].rename({"ci_low": "lower", "ci_high": "upper"}) for k in ("direct", "indirect", "total")
        }
    else:
        e = pd.read_csv(wd / "results/tables/baseline_effects.csv").set_index(["variable", "effect"])
        rows = {k: e.loc[("ai", k)] for k in ("direct", "indirect", "total")}
    for k, row in rows.items():
        assert row["lower"] <= truth["verdicts"]["baseline"][k] <= row["upper"], (k, row.to_dict())
    assert (v["variants"] > 0).all() and "Verdict rule" in v["note"].iloc[0]


def test_demo_verdicts_equal_the_truth(default_study):
    truth = json.loads((default_study / "results/demo/truth.json").read_text(encoding="utf-8"))
    _verdicts_equal_truth(default_study, truth)
    assert pd.read_csv(default_study / "results/tables/verdict.csv")["note"].str.contains("imulated data").all()


def test_typo_province_gives_one_located_message_and_no_output(tmp_path):
    wd = make_study(tmp_path / "typo", real_overlay("data/raw/panel_test.csv"))
    f = wd / "data/raw/panel_test.csv"
    real_format_panel(f)
    df = pd.read_csv(f, dtype=str)
    df.loc[71, "省份"] = "工苏"  # a typo of 江苏 on line 73 of the file
    df.to_csv(f, index=False)
    res = run_snakemake(wd, "results/tables/beta_convergence.csv", check=False)
    assert res.returncode != 0
    msg = "file 'data/raw/panel_test.csv', row 73, column '省份': unknown province '工苏' (did you mean '江苏'?)"
    assert msg in res.stderr and res.stderr.count("unknown province") == 1
    assert "Traceback" not in res.stderr + res.stdout
    assert not (wd / "results/data/panel.csv").exists() and not (wd / "results/tables").exists()


def test_bad_panel_file_fails_with_location(tmp_path):
    wd = make_study(tmp_path / "bad", real_overlay("data/raw/panel_test.csv"))
    f = wd / "data/raw/panel_test.csv"
    real_format_panel(f)
    df = pd.read_csv(f, dtype=str)
    df.loc[7, "人均GDP"] = "12,5"  # a decimal comma: line 9 of the file
    df.to_csv(f, index=False)
    res = run_snakemake(wd, "results/data/panel.csv", check=False)
    assert res.returncode != 0
    log = (wd / "logs/panel.log").read_text(encoding="utf-8")
    assert "panel_test.csv" in log and "row 9" in log and "人均GDP" in log and "not a number" in log
    assert "Traceback" not in res.stderr
    assert not (wd / "results/data/panel.csv").exists()


def test_robustness_grid_has_the_dynamic_sdm(default_study):
    """The default grid estimates the dynamic SDM in every weights x sample variant (AI's short-run total effect
    and every channel's short-run mediated effect, or 'not estimated' with the reason), and the paper table
    labels its column and says the effects are short-run."""
    rb = default_config()["analysis"]["robustness"]
    assert "dynamic_sdm" in rb["models"]
    g = pd.read_csv(default_study / "results/tables/robustness.csv")
    dyn = g[g["model"] == "dynamic_sdm"]
    mechs = set(g.loc[g["model"] == "sdm", "mechanism"])
    assert {(w, s) for w, s in zip(dyn["weights"], dyn["sample"])} == {
        (w, s) for w in rb["weights"] for s in rb["samples"]
    }
    assert dyn.groupby(["weights", "sample"])["mechanism"].apply(set).eq(mechs).all()
    ok = dyn[dyn["verdict"] != "not estimated"]
    assert len(ok) > 0 and (ok["lower"] <= ok["estimate"]).all() and (ok["estimate"] <= ok["upper"]).all()
    failed = dyn[dyn["verdict"] == "not estimated"]
    assert failed["failure"].fillna("").str.len().gt(0).all() and failed["estimate"].isna().all()
    table = json.loads((default_study / "results/paper/robustness.json").read_text(encoding="utf-8"))
    assert "动态SDM（短期）" in json.dumps(table, ensure_ascii=False)
    assert any("短期效应" in n for n in table["notes"])
