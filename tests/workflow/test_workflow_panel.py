"""The panel through Snakemake: the simulated demo says so everywhere; a real-format panel with Chinese headers
and unfamiliar column names runs the whole default study with only panel.file and panel.dictionary changed, and
nothing then says "simulated"; a bad panel file fails with one located message, no traceback and no output."""
import json

import pandas as pd
import yaml

from helpers import FAST, ROOT, make_study, merge, run_snakemake

MEASURES = ["results/data/panel.csv", "results/tables/inequality_panel.csv", "results/tables/dagum_pairs_panel.csv",
            "results/tables/inequality_ai2023.csv", "results/tables/composite_indices.csv",
            "results/tables/coupling_coordination.csv", "results/tables/beta_convergence.csv",
            "results/figures/kde_gdp_pc.png", "results/weights/economic.csv"]
DEMO = ["results/demo/truth.json", "results/demo/truth.csv", "results/tables/demo_recovery.csv"]
HEADERS = {"省份": "province", "年份": "year", "人工智能指数": "ai_index", "协调差距": "coord_gap", "人均GDP": "gdp_pc",
           "人口": "population", "对外开放": "open_rate", "金融发展": "fin_dev", "产业升级": "ind_up",
           "价值链位置": "gvc", "资源错配": "misalloc", "区域品牌": "brand"}
DICTIONARY = {"columns": HEADERS, "ai": "ai_index", "outcome": ["coord_gap"], "gdp_pc": "gdp_pc",
              "population": "population", "controls": ["open_rate", "fin_dev"],
              "mechanisms": {"industrial_upgrading": "ind_up", "value_chain": "gvc",
                             "resource_allocation": "misalloc", "regional_brand": "brand"}}


def real_format_panel(path, years=range(2017, 2024)):
    """A deterministic province-year file in a yearbook layout (Chinese headers, the study's own column names),
    made from Table 1 by arithmetic (no random draws). It is test input, not data: nothing is claimed about it."""
    t1 = pd.read_csv(ROOT / "data/raw/seed_table1_ai_index_2023.csv")
    rows = []
    for i, (name, ai) in enumerate(zip(t1["province"], t1["ai_index"])):
        for y in years:
            a = ai * (1 - 0.06 * (2023 - y)) + 0.3 * ((i * 3 + y) % 4)
            rows.append({"省份": name, "年份": y, "人工智能指数": round(a, 4),
                         "协调差距": round(1 - 0.005 * a + 0.01 * ((i * 7 + y) % 5), 6),
                         "人均GDP": round((30000 + 800 * ai + 13 * i) * (1 + 0.03 * (y - 2017) + 0.004 * ((i + y) % 3)), 2),
                         "人口": 1000 + 100 * i + 3 * (y - 2017),
                         "对外开放": round(0.2 + 0.01 * ((i * 3 + y) % 7), 4),
                         "金融发展": round(0.5 + 0.01 * ((i * 5 + 2 * y) % 11), 4),
                         "产业升级": round(0.01 * a + 0.05 * ((i + 2 * y) % 5), 4),
                         "价值链位置": round(0.008 * a + 0.04 * ((3 * i + y) % 6), 4),
                         "资源错配": round(0.5 - 0.002 * a + 0.03 * ((i + 3 * y) % 4), 4),
                         "区域品牌": round(0.004 * a + 0.02 * ((2 * i + y) % 7), 4)})
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")
    return path


def real_overlay(file, **panel):
    """FAST plus ONLY panel.file and panel.dictionary (and what the caller adds)."""
    return merge(FAST, {"panel": {"file": file, "dictionary": DICTIONARY, **panel}})


def _texts(wd):
    files = [p for p in (wd / "results").rglob("*.csv")] + [p for p in (wd / "results").rglob("*.json")]
    return {str(p.relative_to(wd)): p.read_text(encoding="utf-8") for p in files}


def test_demo_outputs_say_simulated(default_study):
    r = default_study / "results"
    for rel in MEASURES + DEMO:
        assert (default_study / rel).stat().st_size > 0, rel
    for rel in ["tables/inequality_panel.csv", "tables/coupling_coordination.csv", "tables/beta_convergence.csv",
                "tables/demo_recovery.csv", "tables/composite_indices.csv", "demo/truth.csv", "data/panel.csv"]:
        notes = pd.read_csv(r / rel)["note"]
        assert notes.str.contains("simulated data", case=False).all(), rel
    # the real cross-section keeps its own, non-simulated note
    assert not pd.read_csv(r / "tables/inequality_ai2023.csv")["note"].str.contains("simulated", case=False).any()
    econ = json.loads((default_study / "results/weights/economic_summary.json").read_text(encoding="utf-8"))
    assert "simulated data" in econ["note"].lower()
    rec = pd.read_csv(r / "tables/demo_recovery.csv")
    assert rec["covers"].mean() >= 0.8 and len(rec) == 37


def test_real_panel_runs_the_whole_default_study_with_only_file_and_dictionary(tmp_path):
    wd = make_study(tmp_path / "real", real_overlay("data/raw/panel_test.csv"))
    real_format_panel(wd / "data/raw/panel_test.csv")
    overlay = yaml.safe_load((wd / "config/config.yaml").read_text(encoding="utf-8"))
    assert set(overlay) - set(FAST) == {"panel"} and set(overlay["panel"]) == {"file", "dictionary"}
    res = run_snakemake(wd, "-n")  # the default target list has no demo outputs and no simulate_panel job
    assert "simulate_panel" not in res.stdout + res.stderr and "demo_recovery" not in res.stdout + res.stderr
    run_snakemake(wd)  # the whole default study
    assert not (wd / "results/demo").exists()
    for rel in MEASURES:
        assert (wd / rel).stat().st_size > 0, rel
    texts = _texts(wd)
    assert texts and not [k for k, v in texts.items() if "simulat" in v.lower()]
    p = pd.read_csv(wd / "results/data/panel.csv")
    assert len(p) == 31 * 7 and (p["note"] == "Source: panel file data/raw/panel_test.csv").all()
    assert {"open_rate", "fin_dev", "industrial_upgrading", "regional_brand"} <= set(p.columns)
    beta = pd.read_csv(wd / "results/tables/beta_convergence.csv")
    assert set(beta.loc[beta["type"] == "conditional", "controls"]) == {"open_rate;fin_dev"}


def test_typo_province_gives_one_located_message_and_no_output(tmp_path):
    wd = make_study(tmp_path / "typo", real_overlay("data/raw/panel_test.csv"))
    f = real_format_panel(wd / "data/raw/panel_test.csv")
    df = pd.read_csv(f, dtype=str)
    df.loc[71, "省份"] = "工苏"  # line 73 of the file
    df.to_csv(f, index=False)
    res = run_snakemake(wd, "results/tables/beta_convergence.csv", check=False)
    assert res.returncode != 0
    msg = "file 'data/raw/panel_test.csv', row 73, column '省份': unknown province '工苏' (did you mean '江苏'?)"
    assert msg in res.stderr and res.stderr.count("unknown province") == 1
    assert "Traceback" not in res.stderr + res.stdout
    assert not (wd / "results/data/panel.csv").exists() and not (wd / "results/tables").exists()


def test_bad_panel_file_fails_with_location(tmp_path):
    wd = make_study(tmp_path / "bad", real_overlay("data/raw/panel_test.csv"))
    f = real_format_panel(wd / "data/raw/panel_test.csv")
    df = pd.read_csv(f, dtype=str)
    df.loc[7, "人均GDP"] = "12,5"  # a decimal comma: line 9 of the file
    df.to_csv(f, index=False)
    res = run_snakemake(wd, "results/data/panel.csv", check=False)
    assert res.returncode != 0
    log = (wd / "logs/panel.log").read_text(encoding="utf-8")
    assert "panel_test.csv" in log and "row 9" in log and "人均GDP" in log and "not a number" in log
    assert "Traceback" not in res.stderr
    assert not (wd / "results/data/panel.csv").exists()
