"""SpatialPanelResults (accessors, one-line repr, summary table, nobs) and TestResult."""

import dataclasses
import json

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from aicoord.panel import SpatialPanel, TestResult


@pytest.fixture(scope="module")
def sdm(cigar, w46):
    return SpatialPanel(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46,
                        model="sdm", effects="twoways").fit()


def test_results_api(sdm):
    res = sdm
    assert list(res.params.index) == ["logp", "logy", "W*logp", "W*logy", "rho"]
    ci = res.conf_int()
    assert (ci["lower"] < res.params).all() and (res.params < ci["upper"]).all()
    assert_allclose(res.zvalues, res.params / res.std_errors)
    assert res.aic == pytest.approx(-2 * res.loglik + 2 * 6)
    fe = res.fixed_effects
    assert set(fe) == {"mu", "individual", "time"} and len(fe["individual"]) == 46
    assert_allclose(fe["individual"].sum(), 0, atol=1e-10)


def test_repr_is_one_line(sdm):
    text = repr(sdm)
    assert "\n" not in text and len(text) < 120
    assert text == (f"<SpatialPanelResults: SDM, twoways effects, N=46, T=30, "
                    f"loglik={sdm.loglik:.4f}>")


def test_summary_is_the_table(sdm):
    lines = sdm.summary().splitlines()
    assert lines[0] == "Spatial panel SDM model, effects: twoways"
    assert lines[1] == f"N = 46, T = 30, observations = {sdm.nobs}"
    rows = {ln.split()[0]: ln.split()[1:] for ln in lines[6:]}
    assert list(rows) == list(sdm.params.index)
    for nm, cells in rows.items():
        coef, se, z, p, lo, hi = map(float, cells)
        assert coef == pytest.approx(sdm.params[nm], abs=5e-7)
        assert se == pytest.approx(sdm.std_errors[nm], abs=5e-7)
        assert z == pytest.approx(sdm.zvalues[nm], abs=5e-4)
    assert sdm.summary() != repr(sdm)


def test_test_result_is_frozen_and_serialises():
    r = TestResult("wald_sar", 3.5, 2, float(stats.chi2.sf(3.5, 2)), "theta = 0")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.statistic = 1.0
    assert r.to_dict() == {"statistic": 3.5, "df": 2, "p": r.pvalue, "null": "theta = 0"}
    noted = dataclasses.replace(r, note="generalised inverse used")
    assert noted.to_dict()["note"] == "generalised inverse used"
    assert json.loads(json.dumps(noted.to_dict())) == noted.to_dict()


@pytest.mark.parametrize("effects,lee_yu,nobs", [
    ("none", False, 46 * 30), ("twoways", False, 46 * 30), ("individual", True, 46 * 29),
    ("twoways", True, 45 * 29), ("time", True, 45 * 30)])
def test_nobs_is_the_likelihood_sample(cigar, w46, effects, lee_yu, nobs):
    """``nobs`` counts the observations of the likelihood (Lee-Yu: N(T-1), (N-1)(T-1), (N-1)T);
    sigma2 divides by it and BIC uses it; N and T stay the panel's."""
    res = SpatialPanel(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46,
                       model="sar", effects=effects, lee_yu=lee_yu).fit()
    assert (res.nobs, res.N, res.T) == (nobs, 46, 30)
    assert_allclose(res.sigma2, res.resid @ res.resid / nobs, rtol=1e-12)
    k = len(res.params) + 1  # sigma2 counts
    assert_allclose(res.bic, -2 * res.loglik + k * np.log(nobs), rtol=1e-12)
    assert f"observations = {nobs}" in res.summary()
