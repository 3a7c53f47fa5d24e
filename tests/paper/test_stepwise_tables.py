"""The stepwise mechanism table (aicoord.paper.stepwise.mechanism_table) with every optional column of the verdict
table present: each row's label from the vocabulary of the table's language and each cell's value, recomputed here
(stars from the two-sided normal p of estimate / SE with scipy, numbers written independently of NumberFormat)."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aicoord.paper import WORDS
from aicoord.paper.labels import VOCABULARY
from aicoord.paper.stepwise import mechanism_table
from paper_inputs import printed

PATHS = {
    "m1": {"ai_on_channel": (0.5, 0.1), "channel_on_y": (-0.2, 0.05), "ai_on_y": (0.1, 0.2), "mediated": (-0.1, 0.003)},
    "m2": {"ai_on_channel": (0.3, 0.2), "channel_on_y": (0.4, 0.1), "ai_on_y": (-0.05, 0.02), "mediated": (0.12, 0.1)},
}
MODELS = {"m1": "sar", "m2": "SDM"}


def _mech():
    rows = []
    for m, qs in PATHS.items():
        for q, (est, se) in qs.items():
            for e in ("direct", "total") if q != "mediated" else ("total",):
                scale = 1.0 if e == "total" else 0.5  # a direct effect the table must not print
                rows.append(
                    {
                        "mechanism": m,
                        "quantity": q,
                        "effect": e,
                        "estimate": est * scale,
                        "se": se,
                        "lower": est - 0.06,
                        "upper": est + 0.2,
                        "mechanism_model": MODELS[m],
                    }
                )
    return pd.DataFrame(rows)


def _verdict():
    return pd.DataFrame(
        {
            "mechanism": ["m1", "m2"],
            "mediation_share": [0.25, 1.5],
            "suppression": [False, True],
            "p_adjusted": [0.0123, 0.4],
            "mediated_local": [-0.0612, 0.07],
            "mediated_spillover": [-0.0388, 0.05],
            "basis": ["a_path", "something else"],
            "ai_total_on_channel_iv": [np.nan, np.nan],
            "a_iv": [0.45, np.nan],
            "a_iv_lower": [0.2, np.nan],
            "a_iv_upper": [0.7, np.nan],
            "iv_a": [0.99, 0.33],  # m1: the first name of IV_A_PATH present wins
            "iv_a_lower": [np.nan, 0.1],  # m2: one bound only, no interval printed
            "iv_a_upper": [np.nan, np.nan],
        }
    )


def _stars(est, se):
    p = 2 * stats.norm.sf(abs(est / se))
    return "*" * sum(p < a for a in (0.10, 0.05, 0.01))


def _decimals(se, parentheses):
    """Two significant digits of the SE under a coefficient (three decimals at least, six at most)."""
    return max(3, min(6, 1 - math.floor(math.log10(se)))) if parentheses == "se" else 3


def _coef(est, se, parentheses):
    return printed(est, _decimals(se, parentheses)) + _stars(est, se)


@pytest.mark.quick
@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("parentheses", ["se", "z"])
@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_every_row_of_the_stepwise_table_with_all_verdict_columns(language, parentheses, alpha):
    w = VOCABULARY[language]["word"]
    t = mechanism_table(
        _mech(),
        _verdict(),
        labels={"m1": "M one", "m2": "M two", "ai": "AI"},
        words=w,
        y_label="Y",
        language=language,
        decimals=3,
        stars=[0.10, 0.05, 0.01],
        parentheses=parentheses,
        alpha=alpha,
        number=4,
        title="T",
        notes=["n"],
        weights="W",
    )
    assert t.columns == ["(1)", "(2)", "(3)", "(4)"] and t.groups == [("M one", 2), ("M two", 2)]

    def under(est, se):
        return f"({printed(se if parentheses == 'se' else est / se, _decimals(se, parentheses))})"

    def coef(est, se):
        return _coef(est, se, parentheses)

    a1, b1, c1, m1 = (PATHS["m1"][q] for q in ("ai_on_channel", "channel_on_y", "ai_on_y", "mediated"))
    a2, b2, c2, m2 = (PATHS["m2"][q] for q in ("ai_on_channel", "channel_on_y", "ai_on_y", "mediated"))
    level = f"{(1 - alpha) * 100:g}"
    local, spill = ("−0.0612", "−0.0388") if parentheses == "se" else ("−0.061", "−0.039")
    yes, no = WORDS[language]["yes"], WORDS[language]["no"]
    want = [
        ("dependent", "text", w["dependent"], [w["channel"], "Y", w["channel"], "Y"]),
        ("ai", "coef", "AI", [coef(*a1), coef(*c1), coef(*a2), coef(*c2)]),
        ("ai", parentheses, "", [under(*a1), under(*c1), under(*a2), under(*c2)]),
        ("channel", "coef", w["channel"], ["", coef(*b1), "", coef(*b2)]),
        ("channel", parentheses, "", ["", under(*b1), "", under(*b2)]),
        ("mediated", "coef", w["mediated"], ["", coef(*m1), "", coef(*m2)]),
        ("mediated", parentheses, "", ["", under(*m1), "", under(*m2)]),
        (
            "interval",
            "text",
            w["interval"].format(level=level),
            ["", f"[{printed(m1[0] - 0.06, 3)}, {printed(m1[0] + 0.2, 3)}]", "", "[0.060, 0.320]"],
        ),
        ("share", "text", w["share"], ["", "25.0%", "", "150.0%"]),
        ("suppression", "text", w["suppression"], ["", no, "", yes]),
        ("p_adjusted", "text", w["p_adjusted"], ["", "0.012", "", "0.400"]),
        # the local and spillover parts at the decimals of the mediated effect (its SE 0.003: four under "se")
        ("mediated_local", "text", w["mediated_local"], ["", local, "", "0.070"]),
        ("mediated_spillover", "text", w["mediated_spillover"], ["", spill, "", "0.050"]),
        ("iv_a", "text", w["iv_a"], ["", "0.450 [0.200, 0.700]", "", "0.330"]),
        ("basis", "text", w["basis"], ["", VOCABULARY[language]["basis"]["a_path"], "", ""]),
        ("model", "text", w["model"], ["", "SAR", "", "SDM"]),
    ]
    assert [(r.key, r.kind, r.label, r.cells) for r in t.rows] == want
    stars = (
        "*、**、*** 分别表示在 10%、5%、1% 的水平上显著"
        if language == "zh"
        else "*, **, *** denote significance at the 10%, 5% and 1% levels"
    )
    what = WORDS[language][parentheses]
    parens = WORDS[language]["parens"].format(what=what, What=what[:1].upper() + what[1:])
    assert t.notes == [stars, parens, WORDS[language]["weights"].format(w="W"), "n"]
    assert t.caption == ("表 4  T" if language == "zh" else "Table 4. T")
