"""The panel measures through Snakemake: the simulated demo says so everywhere; a real-format panel file replaces
it with only a configuration change and nothing then says "simulated"; a bad panel file fails with its location."""
import shutil

import pandas as pd
import pytest
import yaml

from refs import ROOT
from test_workflow import _run

CONFIG = ROOT / "tests/workflow/config_panel_test.yaml"
MEASURES = ["results/data/panel.csv", "results/tables/inequality_panel.csv", "results/tables/dagum_pairs_panel.csv",
            "results/tables/inequality_ai2023.csv", "results/tables/composite_indices.csv",
            "results/tables/coupling_coordination.csv", "results/tables/beta_convergence.csv",
            "results/figures/kde_gdp_pc.png", "results/weights/economic.csv"]
DEMO = ["results/demo/truth.json", "results/demo/truth.csv", "results/tables/demo_recovery.csv"]
HEADERS = {"省份": "province", "年份": "year", "人工智能指数": "ai_index", "协调差距": "coord_gap", "人均GDP": "gdp_pc",
           "人口": "population"}


def _study(path, cfg=None):
    shutil.copytree(ROOT / "data", path / "data")
    (path / "config").mkdir()
    (path / "config/config.yaml").write_text(yaml.safe_dump(cfg or yaml.safe_load(CONFIG.read_text()),
                                                            allow_unicode=True), encoding="utf-8")
    return path


def real_format_panel(path):
    """A small deterministic province-year file with Chinese headers, made from Table 1 by arithmetic (no draws)."""
    t1 = pd.read_csv(ROOT / "data/raw/seed_table1_ai_index_2023.csv")
    rows = []
    for i, (name, ai) in enumerate(zip(t1["province"], t1["ai_index"])):
        for y in range(2019, 2024):
            a = ai * (1 - 0.06 * (2023 - y)) + 0.3 * ((i * 3 + y) % 4)
            rows.append({"省份": name, "年份": y, "人工智能指数": round(a, 4),
                         "协调差距": round(1 - 0.005 * a + 0.01 * ((i * 7 + y) % 5), 6),
                         "人均GDP": round((30000 + 800 * ai + 13 * i) * (1 + 0.03 * (y - 2019) + 0.004 * ((i + y) % 3)), 2),
                         "人口": 1000 + 100 * i + 3 * (y - 2019),
                         "gov": round(0.2 + 0.01 * ((i * 3 + y) % 7), 4), "urban": round(0.5 + 0.01 * ((i * 5 + 2 * y) % 11), 4),
                         "industrial_upgrading": round(0.01 * a + 0.05 * ((i + 2 * y) % 5), 4),
                         "value_chain": round(0.008 * a + 0.04 * ((3 * i + y) % 6), 4),
                         "resource_allocation": round(0.5 - 0.002 * a + 0.03 * ((i + 3 * y) % 4), 4),
                         "regional_brand": round(0.004 * a + 0.02 * ((2 * i + y) % 7), 4)})
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")
    return path


def real_config(tmp_path, file):
    cfg = yaml.safe_load(CONFIG.read_text())
    cfg["panel"] = {"file": file, "source": "test panel made by tests/test_workflow_panel.py",
                    "dictionary": {"columns": HEADERS, "ai": "ai_index", "outcome": ["coord_gap"], "gdp_pc": "gdp_pc",
                                   "population": "population", "controls": ["gov", "urban"],
                                   "mechanisms": {m: m for m in ("industrial_upgrading", "value_chain",
                                                                 "resource_allocation", "regional_brand")}}}
    return cfg


def _texts(wd):
    files = [p for p in (wd / "results").rglob("*.csv")] + [p for p in (wd / "results").rglob("*.json")]
    return {str(p.relative_to(wd)): p.read_text(encoding="utf-8") for p in files}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    wd = _study(tmp_path_factory.mktemp("demo"))
    _run(wd, *MEASURES, *DEMO)
    return wd


def test_demo_outputs_say_simulated(demo_dir):
    r = demo_dir / "results"
    for rel in MEASURES + DEMO:
        assert (demo_dir / rel).stat().st_size > 0, rel
    for rel in ["tables/inequality_panel.csv", "tables/coupling_coordination.csv", "tables/beta_convergence.csv",
                "tables/demo_recovery.csv", "tables/composite_indices.csv", "demo/truth.csv", "data/panel.csv"]:
        notes = pd.read_csv(r / rel)["note"]
        assert notes.str.contains("simulated data", case=False).all(), rel
    # the real cross-section keeps its own, non-simulated note
    assert not pd.read_csv(r / "tables/inequality_ai2023.csv")["note"].str.contains("simulated", case=False).any()
    econ = yaml.safe_load((demo_dir / "results/weights/economic_summary.json").read_text(encoding="utf-8"))
    assert "simulated data" in econ["note"].lower()
    rec = pd.read_csv(r / "tables/demo_recovery.csv")
    assert rec["covers"].mean() >= 0.8 and len(rec) == 37


def test_real_panel_replaces_demo_with_a_config_change(tmp_path):
    wd = _study(tmp_path / "real")
    real_format_panel(wd / "data/raw/panel_test.csv")
    (wd / "config/config.yaml").write_text(yaml.safe_dump(real_config(tmp_path, "data/raw/panel_test.csv"),
                                                          allow_unicode=True), encoding="utf-8")
    res = _run(wd, "-n")  # the default target list has no demo outputs and no simulate_panel job
    assert "simulate_panel" not in res.stdout + res.stderr and "demo_recovery" not in res.stdout + res.stderr
    _run(wd, *MEASURES)
    assert not (wd / "results/demo").exists()
    texts = _texts(wd)
    assert texts and not [k for k, v in texts.items() if "simulat" in v.lower()]
    p = pd.read_csv(wd / "results/data/panel.csv")
    assert len(p) == 31 * 5 and (p["note"] == "Source: test panel made by tests/test_workflow_panel.py").all()


def test_bad_panel_file_fails_with_location(tmp_path):
    wd = _study(tmp_path / "bad")
    f = real_format_panel(wd / "data/raw/panel_test.csv")
    df = pd.read_csv(f, dtype=str)
    df.loc[7, "人均GDP"] = "12,5"  # a decimal comma: line 9 of the file
    df.to_csv(f, index=False)
    (wd / "config/config.yaml").write_text(yaml.safe_dump(real_config(tmp_path, "data/raw/panel_test.csv"),
                                                          allow_unicode=True), encoding="utf-8")
    res = _run(wd, "results/data/panel.csv", check=False)
    assert res.returncode != 0
    log = (wd / "logs/panel.log").read_text(encoding="utf-8")
    assert "panel_test.csv" in log and "9" in log and "人均GDP" in log and "not a number" in log
    assert not (wd / "results/data/panel.csv").exists()
