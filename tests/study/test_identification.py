"""aicoord.study.identification: the ML, 2SLS and GMM rows equal the engine's fits (validated in
tests/panel/test_iv.py), and on a panel with a confounder (tests/iv_dgp.py) the IV total effect is near the
truth while the ML one is not."""

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.study import identification
from aicoord.study.identification import IDENTIFICATION_COLUMNS
from iv_dgp import TRUE, iv_model, simulate


@pytest.fixture(scope="module")
def table():
    df, W = simulate(11, side=10, pi=(1.2, 0.6))
    df["id"] = df["id"].map(lambda i: f"u{i:03d}")
    ids = sorted(df["id"].unique())
    wdf = pd.DataFrame(W, index=ids, columns=ids)
    tab = identification(
        df,
        y="y",
        ai="ai",
        controls=["x"],
        instruments=["z1", "z2"],
        unit="id",
        time="t",
        w=wdf,
        lee_yu=False,
        draws=400,
        seed=3,
    )
    return tab, df, wdf


def test_rows_and_columns(table):
    tab = table[0]
    assert list(tab.columns) == IDENTIFICATION_COLUMNS
    assert list(zip(tab["estimator"], tab["effect"])) == [
        (e, k) for e in ("ml", "iv", "gmm") for k in ("direct", "indirect", "total")
    ]
    assert tab.loc[tab["estimator"] == "ml", "kp_rk_wald_f"].isna().all()
    assert (tab.loc[tab["estimator"] != "ml", "kp_rk_wald_f"] > 10).all()


def test_iv_rows_equal_engine(table):
    tab, df, wdf = table
    res = iv_model(df, wdf).fit(cov_type="cluster")
    imp = res.impacts(draws=400, seed=3)
    iv = tab[tab["estimator"] == "iv"].set_index("effect")
    for k in ("direct", "indirect", "total"):
        assert_allclose(iv.loc[k, "estimate"], imp.loc[("ai", k), "estimate"], rtol=1e-12)
        assert_allclose(iv.loc[k, "se"], imp.loc[("ai", k), "se"], rtol=1e-12)
        assert_allclose(iv.loc[k, "ci_high"] - iv.loc[k, "estimate"], 1.959963984540054 * iv.loc[k, "se"], rtol=1e-12)
    assert_allclose(iv["sw_f"].iloc[0], res.first_stage["regressors"]["ai"]["sw_f"], rtol=1e-12)


def test_iv_recovers_truth_ml_does_not(table):
    tab = table[0]
    truth = (TRUE["ai"] + TRUE["W*ai"]) / (1 - TRUE["rho"])
    tot = tab[tab["effect"] == "total"].set_index("estimator")
    for e in ("iv", "gmm"):
        assert tot.loc[e, "ci_low"] <= truth <= tot.loc[e, "ci_high"]
    assert not tot.loc["ml", "ci_low"] <= truth <= tot.loc["ml", "ci_high"]
    assert tot.loc["ml", "estimate"] - truth > 3 * tot.loc["ml", "se"]


@pytest.mark.parametrize("mode", ["ml", "iv", "both"])
def test_identification_table_takes_the_estimators_of_its_mode_and_ends_with_the_oster_row(table, mode):
    """The study's table (identification_table): the rows of ``mode``'s estimators, equal to identification's, then
    one Oster row equal to oster_bound; a wild bootstrap among the ML covariance options is dropped."""
    from aicoord.study.identification import ESTIMATORS, identification_table
    from aicoord.study.oster import oster_bound

    full, df, wdf = table
    kw = dict(y="y", ai="ai", controls=["x"], unit="id", time="t", w=wdf)
    tab, first_stage, ob = identification_table(
        df, instruments=["z1", "z2"], mode=mode, lee_yu=False, draws=400, seed=3, ml_cov={"bootstrap": 99}, **kw
    )
    want = full[full["estimator"].isin(ESTIMATORS[mode])].reset_index(drop=True)
    pd.testing.assert_frame_equal(tab.iloc[:-1][want.columns].reset_index(drop=True), want)
    assert (first_stage is None) == (mode == "ml")
    assert ob == oster_bound(df, **kw)
    last = tab.iloc[-1]
    assert (last["estimator"], last["effect"]) == ("oster", "coefficient")
    assert (last["estimate"], last["ci_low"], last["ci_high"]) == (ob["beta_controlled"], ob["set_low"], ob["set_high"])


def test_study_cov_drops_unset_options_and_the_default_cluster():
    from aicoord.study.models import study_cov

    assert study_cov({"cov_type": "cluster", "cluster": "code", "dk_lag": None}, "code") == {"cov_type": "cluster"}
    assert study_cov({"cov_type": "cluster", "cluster": "region"}, "code") == {
        "cov_type": "cluster",
        "cluster": "region",
    }
    assert study_cov(None, "code") == {}
