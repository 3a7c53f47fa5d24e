"""``analysis.baseline_model`` (sdm | auto): the specification table states the selected model and the
baseline's model in two rows that agree with what the baseline estimates; in auto the baseline step fits the
selected model."""

import json

import pandas as pd
import pytest

from aicoord.paper import NumberFormat
from aicoord.paper.study_tables import specification_rows
from aicoord.steps import study as S
from aicoord.study.specification import BASELINE_NOTE

SEL = {
    "step": "5 selection",
    "test": "selected model",
    "effects": "twoways",
    "statistic": None,
    "df": None,
    "p": None,
    "reject": None,
    "null": "rule",
}


def _spec(tmp_path, baseline_model):
    rows = [
        {
            **SEL,
            "decision": "SAR with twoways fixed effects (theta = 0 not rejected and the robust LM tests point "
            "to the lag)" + ("" if baseline_model == "auto" else f"; {BASELINE_NOTE}"),
        },
        {
            **SEL,
            "test": "baseline model",
            "effects": None,
            "decision": "SAR (follows the search)" if baseline_model == "auto" else "SDM (kept, see the note)",
        },
    ]
    pd.DataFrame(rows).assign(weights="queen", note="x").to_csv(tmp_path / f"{baseline_model}.csv", index=False)
    return tmp_path / f"{baseline_model}.csv"


@pytest.mark.parametrize(
    "mode, zh_cell, en_cell, note",
    [
        ("sdm", "SDM（保留，见注）", "SDM (kept, see the note)", True),
        ("auto", "SAR（随检验结果）", "SAR (follows the search)", False),
    ],
)
def test_specification_table_states_the_choice_and_the_baseline(tmp_path, mode, zh_cell, en_cell, note):
    g = pd.read_csv(_spec(tmp_path, mode))
    for lang, cell, label in (("zh", zh_cell, "基准回归采用的模型"), ("en", en_cell, "Model of the baseline")):
        rows, notes = specification_rows(g, lang, NumberFormat(decimals=3))
        assert rows[-1]["label"] == label and list(rows[-1].values())[-1] == cell
        assert any("LeSage" in n for n in notes) == note  # the SDM's reason only when it is kept
    assert S.baseline_model_of(_spec(tmp_path, mode)) == {"sdm": "sdm", "auto": "sar"}[mode]


def test_baseline_step_fits_the_model_the_table_names(files, tmp_path):
    kw = {
        "y": "coord_gap",
        "ai": "ai",
        "controls": ["gov"],
        "effects": "twoways",
        "lee_yu": True,
        "draws": 200,
        "seed": 1,
        "alpha": 0.05,
        "weights_name": "queen",
    }
    out = [tmp_path / n for n in ("c.csv", "e.csv", "f.json")]
    S.baseline(files / "panel.csv", files / "queen_raw.csv", *out, spec_csv=_spec(tmp_path, "auto"), **kw)
    fit = json.loads(out[2].read_text())
    coef = pd.read_csv(out[0])
    assert fit["model"] == "sar" and "W*ai" not in set(coef["parameter"]) and "rho" in set(coef["parameter"])


@pytest.mark.parametrize("decision", ["SEM\t(follows the search)", "  sem (follows the search)", "SEM"])
def test_baseline_model_read_from_a_decision_with_other_whitespace(tmp_path, decision):
    """A specification table edited by hand (a tab, leading spaces) still names its model: the decision's first word
    at any whitespace."""
    path = _spec(tmp_path, "auto")
    g = pd.read_csv(path)
    g.loc[g["test"] == "baseline model", "decision"] = decision
    g.to_csv(path, index=False)
    assert S.baseline_model_of(path) == "sem"
