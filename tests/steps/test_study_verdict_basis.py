"""The verdict's basis (aicoord.steps.study.verdict, aicoord.study.mechanisms): the baseline row on the IV basis
takes spatial 2SLS's total effect and normal interval from the identification table; ``verdict_basis: a_path``
rests a mechanism's verdict on AI -> mechanism with theory's sign of mechanism -> outcome (Jiang Ting 2022); p is
read from the same draws as the interval; verdict_adjusted keeps a verdict where Holm's p is below alpha. Every
expected value is computed by hand from the synthetic inputs."""

import json

import numpy as np
import pandas as pd
import pytest

from aicoord.steps import study as S
from aicoord.study.mechanisms import a_path_verdict, mc_p


def _mech(name, a, a_lo, a_hi, eff, lo, hi, p, a_p):
    return {
        "mechanism": name,
        "verdict": "promotes" if hi < 0 else "hinders" if lo > 0 else "inconclusive",
        "basis": "iv",
        "verdict_basis": "product",
        "a_p": a_p,
        "ai_total_on_channel": a,
        "ai_channel_lower": a_lo,
        "ai_channel_upper": a_hi,
        "effect": eff,
        "lower": lo,
        "upper": hi,
        "p": p,
        "note": "Simulated data. Source: test",
    }


@pytest.fixture
def inputs(tmp_path):
    base = {
        "verdict": {
            "mechanism": "baseline",
            "verdict": "inconclusive",
            "basis": "ml",
            "effect": 0.01,
            "lower": -0.002,
            "upper": 0.022,
            "se": 0.006,
            "p": 0.09,
        },
        "note": "Simulated data. Source: test",
    }
    (tmp_path / "b.json").write_text(json.dumps(base))
    mechs = [
        _mech("industrial_upgrading", 0.03, 0.02, 0.04, -0.006, -0.009, -0.003, 0.001, 0.0005),
        _mech("value_chain", 0.001, -0.01, 0.012, -0.0001, -0.002, 0.0018, 0.8, 0.85),
        _mech("resource_allocation", 0.03, 0.01, 0.05, 0.005, 0.0002, 0.0098, 0.04, 0.003),
    ]
    paths = []
    for m in mechs:
        paths.append(tmp_path / f"{m['mechanism']}.json")
        paths[-1].write_text(json.dumps(m))
    pd.DataFrame(
        {"mechanism": ["baseline"] * 2 + ["industrial_upgrading"], "verdict": ["promotes", "inconclusive", "promotes"]}
    ).to_csv(tmp_path / "r.csv", index=False)
    pd.DataFrame(
        {
            "estimator": ["ml", "iv", "gmm"],
            "effect": ["total"] * 3,
            "estimate": [0.01, -0.02, -0.019],
            "se": [0.006, 0.005, 0.005],
            "ci_low": [-0.00176, -0.0298, -0.0288],
            "ci_high": [0.02176, -0.0102, -0.0092],
            "p": [0.096, 6.3e-5, 1.4e-4],
        }
    ).to_csv(tmp_path / "i.csv", index=False)
    return tmp_path, paths


def test_baseline_on_the_iv_basis_and_adjusted_verdicts(inputs):
    d, paths = inputs
    S.verdict(d / "b.json", paths, d / "r.csv", d / "v.csv", alpha=0.05, identification_csv=d / "i.csv")
    t = pd.read_csv(d / "v.csv").set_index("mechanism")
    b = t.loc["baseline"]
    assert b["basis"] == "iv" and b["effect"] == -0.02 and (b["lower"], b["upper"]) == (-0.0298, -0.0102)
    assert b["verdict"] == "promotes" and b["ml_verdict"] == "inconclusive" and b["ml_effect"] == 0.01
    assert (b["variants_agree"], b["variants"]) == (1, 2)
    # Holm by hand: p sorted 6.3e-5, 0.001, 0.04, 0.8 -> x4, x3, x2, x1, running maximum
    want = {
        "baseline": 4 * 6.3e-5,
        "industrial_upgrading": 3 * 0.001,
        "resource_allocation": 2 * 0.04,
        "value_chain": 0.8,
    }
    for m, p in want.items():
        assert t.loc[m, "p_adjusted"] == pytest.approx(p, rel=1e-12)
    assert t.loc["resource_allocation", "verdict"] == "hinders"
    assert t.loc["resource_allocation", "verdict_adjusted"] == "inconclusive"  # 0.08 >= 0.05
    assert t.loc["industrial_upgrading", "verdict_adjusted"] == "promotes"
    assert "by spatial 2SLS" in b["note"]


def test_a_path_verdict_rests_on_ai_to_mechanism_and_the_expected_sign(inputs):
    d, paths = inputs
    S.verdict(
        d / "b.json",
        paths,
        d / "r.csv",
        d / "v.csv",
        alpha=0.05,
        verdict_basis="a_path",
        expected_sign={"industrial_upgrading": -1, "value_chain": -1, "resource_allocation": 1},
    )
    t = pd.read_csv(d / "v.csv").set_index("mechanism")
    iu, ra, vc = t.loc["industrial_upgrading"], t.loc["resource_allocation"], t.loc["value_chain"]
    # AI raises upgrading (a in [0.02, 0.04]) and upgrading lowers the gap (-1): promotes, interval -a
    assert iu["verdict"] == "promotes" and (iu["lower"], iu["upper"]) == (-0.04, -0.02) and iu["p"] == 0.0005
    assert ra["verdict"] == "hinders" and (ra["lower"], ra["upper"]) == (0.01, 0.05)
    assert vc["verdict"] == "inconclusive" and (t["verdict_basis"].iloc[1:] == "a_path").all()
    assert t.loc["baseline", "basis"] == "ml"  # no identification table: the baseline stays ML
    assert "expected_sign" in iu["note"]
    row = a_path_verdict({"ai_total_on_channel": -0.01, "ai_channel_lower": -0.02, "ai_channel_upper": -0.005}, +1)
    assert row["verdict"] == "promotes" and row["expected_sign"] == 1


def test_mc_p_agrees_with_the_percentile_interval():
    rng = np.random.default_rng(5)
    for mean in (0.0, 0.5, 1.0, 1.96, 2.5, -3.0):
        d = rng.normal(mean, 1.0, 20000)
        lo, hi = np.quantile(d, [0.025, 0.975])
        p = mc_p(d)
        assert p == pytest.approx(2 * min((d <= 0).mean(), (d >= 0).mean()))
        if abs(p - 0.05) > 0.002:  # away from the edge, where the quantile's interpolation decides
            assert (p < 0.05) == (lo > 0 or hi < 0), (mean, p, lo, hi)
