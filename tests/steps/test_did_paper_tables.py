"""The DID step's two paper tables (aicoord.steps.did._paper) built from small tidy ATT and spillover tables, in both
languages: number, caption, stub and headers word for word, every cell at the step's decimals, and the note (the
panel's note, with "simulated data" first only when the note does not say it already)."""

import pandas as pd
import pytest

from aicoord.paper.study_tables import TABLES
from aicoord.steps.did import _paper


def _att():
    return pd.DataFrame(
        {
            "outcome": ["ai", "ai"],
            "estimator": ["cs", "sa"],
            "control": ["never", "notyet"],
            "sample": ["all", "all"],
            "estimate": [0.12345, -0.5],
            "se": [0.0456, 0.25],
            "ci_low": [0.03, -0.99],
            "ci_high": [0.21, -0.01],
            "extra": [1.0, 2.0],  # a column the paper table does not print
        }
    )


def _sp():
    return pd.DataFrame(
        {
            "outcome": ["ai"],
            "term": ["band 0-100"],
            "estimate": [1234.5],
            "se": [1.0],
            "ci_low": [1.0],
            "ci_high": [2.0],
        }
    )


def _run(tmp_path, language, decimals=3, simulated=False, note="Source: yearbook"):
    paths = {}
    for name in ("did", "sp"):
        paths[name] = {k: tmp_path / f"{name}_{language}_{decimals}.{k}" for k in ("csv", "md", "tex", "docx")}
    _paper(_att(), _sp(), paths["did"], paths["sp"], language, decimals, simulated, note)
    return {n: pd.read_csv(p["csv"], dtype=str, keep_default_na=False) for n, p in paths.items()}, {
        n: p["md"].read_text(encoding="utf-8") for n, p in paths.items()
    }


HEADS = {
    "zh": (["估计值", "标准误", "95% 区间下限", "95% 区间上限"], "结果变量 | 估计量 | 对照组 | 样本", "结果变量 | 项"),
    "en": (
        ["Estimate", "SE", "95% CI low", "95% CI high"],
        "outcome | estimator | controls | sample",
        "outcome | term",
    ),
}
TITLES = {
    "zh": ("人工智能创新发展试验区的交错双重差分估计", "试验区政策的空间溢出与溢出边界"),
    "en": (
        "Staggered difference-in-differences: the AI pilot zones",
        "Spatial spillovers of the pilot zones and their distance bands",
    ),
}


@pytest.mark.quick
@pytest.mark.parametrize("language", ["zh", "en"])
def test_did_paper_tables_number_title_stub_headers_and_cells(tmp_path, language):
    csv, md = _run(tmp_path, language)
    cols, stub_did, stub_sp = HEADS[language]
    n = len(TABLES)
    cap = [f"表 {n + 1}  {TITLES[language][0]}", f"表 {n + 2}  {TITLES[language][1]}"]
    if language == "en":
        cap = [f"Table {n + 1}. {TITLES[language][0]}", f"Table {n + 2}. {TITLES[language][1]}"]
    assert md["did"].startswith(f"**{cap[0]}**\n") and md["sp"].startswith(f"**{cap[1]}**\n")
    header = [line for line in md["did"].splitlines() if line.startswith("| ")][0]
    assert header == "| " + " | ".join([stub_did.replace("|", "\\|"), *cols]) + " |"
    assert md["sp"].splitlines()[2] == "| " + " | ".join([stub_sp.replace("|", "\\|"), *cols]) + " |"
    did = csv["did"]
    assert set(did["table"]) == {str(n + 1)} and set(csv["sp"]["table"]) == {str(n + 2)}
    assert list(did["column"]) == cols * 2
    assert list(did["label"]) == ["ai | cs | never | all"] * 4 + ["ai | sa | notyet | all"] * 4
    assert list(did["value"]) == ["0.123", "0.046", "0.030", "0.210", "−0.500", "0.250", "−0.990", "−0.010"]
    assert list(csv["sp"]["value"]) == ["1,234.500", "1.000", "1.000", "2.000"]
    note = "注：Source: yearbook。" if language == "zh" else "Notes: Source: yearbook."
    assert set(did["note"]) == {note}


@pytest.mark.quick
def test_did_paper_tables_print_at_the_steps_decimals(tmp_path):
    csv, _ = _run(tmp_path, "en", decimals=2)
    assert list(csv["did"]["value"][:4]) == ["0.12", "0.05", "0.03", "0.21"]
    csv, _ = _run(tmp_path, "en", decimals=4)
    assert list(csv["did"]["value"][:4]) == ["0.1235", "0.0456", "0.0300", "0.2100"]


@pytest.mark.quick
@pytest.mark.parametrize(
    "simulated, note, first",
    [
        (True, "Source: x", "Simulated data"),  # simulated data the note does not mention: said first
        (True, "Simulated data. Source: x", "Simulated data. Source: x"),  # the note says it: once
        (True, "模拟数据 (simulated data). 数据来源: x", "模拟数据 (simulated data). 数据来源: x"),
        (False, "Source: x", "Source: x"),
    ],
)
def test_did_paper_tables_say_simulated_data_once(tmp_path, simulated, note, first):
    csv, _ = _run(tmp_path, "en", simulated=simulated, note=note)
    text = csv["did"]["note"].iloc[0]
    assert text.startswith(f"Notes: {first}")
    assert text.lower().count("simulated data") == int(simulated)


@pytest.mark.quick
def test_did_paper_tables_without_a_note_have_no_note(tmp_path):
    csv, md = _run(tmp_path, "en", note="")
    assert set(csv["did"]["note"]) == {""} and "Notes:" not in md["did"]
