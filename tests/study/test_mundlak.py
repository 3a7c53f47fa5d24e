"""Robust (Mundlak) Hausman test of aicoord.study.specification: size and power in a seeded simulation, and
the replacement of a negative classical statistic in the specification table."""

import numpy as np
import pandas as pd
import pytest

from aicoord.study.specification import mundlak_test
from iv_dgp import lattice


def _panel(rng, corr, n_side=6, t=8):
    W = lattice(n_side)
    n = len(W)
    a = rng.standard_normal(n)
    x = rng.standard_normal((t, n)) + corr * a[None, :]
    e = rng.standard_normal((t, n))
    for s in range(1, t):  # serially correlated errors: clustering matters
        e[s] = 0.5 * e[s - 1] + e[s]
    y = x + 0.3 * (x @ W.T) + a[None, :] + e
    ids, ts = np.meshgrid([f"u{i:02d}" for i in range(n)], np.arange(t))
    df = pd.DataFrame({"id": ids.ravel(), "t": ts.ravel(), "y": y.ravel(), "x": x.ravel()})
    ids_s = sorted(df["id"].unique())
    return df, pd.DataFrame(W, index=ids_s, columns=ids_s)


def test_mundlak_size_and_power():
    """Random effects uncorrelated with x (100 units, T = 8): rejection rate at 5% within 3 binomial SEs of 5%
    (R = 200); unit effects correlated with x (corr = 0.5): rejected in more than 90% of panels."""
    rng = np.random.default_rng(7)
    size = np.mean([mundlak_test(*_panel(rng, 0.0, n_side=10), "y", ["x"], "id", "t")["p"] < 0.05 for _ in range(200)])
    assert abs(size - 0.05) < 3 * np.sqrt(0.05 * 0.95 / 200), size
    power = np.mean([mundlak_test(*_panel(rng, 0.5), "y", ["x"], "id", "t")["p"] < 0.05 for _ in range(100)])
    assert power > 0.9, power


def test_mundlak_df():
    df, W = _panel(np.random.default_rng(1), 0.0)
    out = mundlak_test(df, W, "y", ["x"], "id", "t")
    assert out["df"] == 2 and 0 <= out["p"] <= 1


def test_negative_classical_hausman_is_replaced(demos, queen):
    """The default demo panel (setting A) gives a negative classical Hausman statistic; the specification table
    carries the robust Mundlak version instead and says so."""
    from aicoord.panel import diagnostics
    from aicoord.study import specification_search
    from aicoord.study._common import fit_panel, setting
    from helpers import CONTROLS

    panel = demos["A"][0]
    x = ["ai_index", *CONTROLS]
    st = setting(panel, "code", "year", queen)
    classical = diagnostics.hausman(
        fit_panel(st.data, "coord_gap", x, "code", "year", st.Wdf, effects="individual"),
        fit_panel(st.data, "coord_gap", x, "code", "year", st.Wdf, effects="random"),
    )
    spec = specification_search(panel, y="coord_gap", x=x, unit="code", time="year", w=queen, lr=False)
    row = spec[spec["test"] == "hausman"].iloc[0]
    if classical.statistic < 0:
        assert "robust Mundlak" in row["null"] and row["statistic"] >= 0 and row["df"] == 2 * len(x)
        assert row["statistic"] == pytest.approx(
            mundlak_test(st.data, st.Wdf, "coord_gap", x, "code", "year")["statistic"], rel=1e-12
        )
    else:
        assert row["statistic"] == pytest.approx(classical.statistic)


def test_mundlak_reads_a_data_frame_w_by_its_labels():
    """A W given as a labelled data frame is read by its labels, whatever its row and column order (written after
    draw 4 of the mutation sample, whose survivor read it by position)."""
    df, W = _panel(np.random.default_rng(2), 0.3)
    want = mundlak_test(df, W, "y", ["x"], "id", "t")
    order = list(np.random.default_rng(3).permutation(W.index))
    shuffled = W.loc[order, order]
    assert not np.allclose(shuffled.to_numpy(), W.to_numpy())  # the order matters to a reader by position
    got = mundlak_test(df, shuffled, "y", ["x"], "id", "t")
    assert got["statistic"] == pytest.approx(want["statistic"], rel=1e-10) and got["df"] == want["df"]


def test_mundlak_p_value_is_from_f_with_clusters_minus_one_denominator_df():
    """p = P(F(q, G − 1) > Wald / q) with G the number of units (the clusters): checked against scipy with 9
    units (a 3 × 3 lattice), where G − 1 and G − 2 give visibly different p-values."""
    from scipy import stats

    df, W = _panel(np.random.default_rng(4), 0.2, n_side=3)
    g = df["id"].nunique()
    out = mundlak_test(df, W, "y", ["x"], "id", "t")
    assert out["p"] == pytest.approx(stats.f.sf(out["statistic"] / out["df"], out["df"], g - 1), rel=1e-12)
    assert abs(stats.f.sf(out["statistic"] / out["df"], out["df"], g - 2) - out["p"]) > 1e-4
