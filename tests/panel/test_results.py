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
    return SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sdm", effects="twoways"
    ).fit()


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
    for effects, keys in (("time", {"time"}), ("individual", {"individual"})):
        one = res.model.respecify(effects=effects).fit().fixed_effects
        assert set(one) == keys and len(one[next(iter(keys))]) == (30 if effects == "time" else 46)
        assert one[next(iter(keys))].name == ("gamma" if effects == "time" else "alpha")
    assert (fe["individual"].name, fe["time"].name) == ("alpha", "gamma")


def test_repr_is_one_line(sdm):
    text = repr(sdm)
    assert "\n" not in text and len(text) < 120
    assert text == (f"<SpatialPanelResults: SDM, twoways effects, N=46, T=30, loglik={sdm.loglik:.4f}>")
    ly = sdm.model.respecify(lee_yu=True).fit()
    assert repr(ly) == f"<SpatialPanelResults: SDM, twoways effects (Lee-Yu), N=46, T=30, loglik={ly.loglik:.4f}>"


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


@pytest.mark.parametrize(
    "effects,lee_yu,nobs",
    [
        ("none", False, 46 * 30),
        ("twoways", False, 46 * 30),
        ("individual", True, 46 * 29),
        ("twoways", True, 45 * 29),
        ("time", True, 45 * 30),
    ],
)
def test_nobs_is_the_likelihood_sample(cigar, w46, effects, lee_yu, nobs):
    """``nobs`` counts the observations of the likelihood (Lee-Yu: N(T-1), (N-1)(T-1), (N-1)T);
    sigma2 divides by it and BIC uses it; N and T stay the panel's."""
    res = SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sar", effects=effects, lee_yu=lee_yu
    ).fit()
    assert (res.nobs, res.N, res.T) == (nobs, 46, 30)
    assert_allclose(res.sigma2, res.resid @ res.resid / nobs, rtol=1e-12)
    k = len(res.params) + 1  # sigma2 counts
    assert_allclose(res.bic, -2 * res.loglik + k * np.log(nobs), rtol=1e-12)
    assert f"observations = {nobs}" in res.summary()


def _dummy_sse(cigar, w46, res, model):
    """Sum of squared residuals of ``y - rho W y - X beta - WX theta`` after least squares on unit and/or
    year dummies (the dummy-variable model, not the within transformation the package uses)."""
    d = cigar.sort_values(["year", "state"])
    n, t = 46, 30
    y = d["logc"].to_numpy().reshape(t, n)
    x = {v: d[v].to_numpy().reshape(t, n) for v in ("logp", "logy")}
    p = res.params
    e = y - p.get("rho", 0.0) * y @ w46.T
    for v in ("logp", "logy"):
        e = e - p[v] * x[v] - (p[f"W*{v}"] * x[v] @ w46.T if model == "sdm" else 0.0)
    return e.ravel(), d


def _dummies(d, effects):
    cols = [np.ones(len(d))]
    if effects in ("individual", "twoways"):
        cols += [(d["state"] == s).to_numpy(float) for s in sorted(d["state"].unique())[1:]]
    if effects in ("time", "twoways"):
        cols += [(d["year"] == s).to_numpy(float) for s in sorted(d["year"].unique())[1:]]
    return np.column_stack(cols)


@pytest.mark.parametrize(
    "model,effects,lee_yu",
    [
        ("sar", "individual", False),
        ("sdm", "twoways", False),
        ("sdm", "time", False),
        ("sdm", "twoways", True),
        ("sar", "individual", True),
    ],
)
def test_information_criteria_and_r2_independently(cigar, w46, r_reference, tol, model, effects, lee_yu):
    """AIC, BIC (log of the likelihood's sample size), R2 and within R2 from the dummy-variable
    regression computed here by least squares; without the Lee-Yu correction the log-likelihood they
    use is R spatialreg's (cigar_reference.json), so AIC/BIC are anchored to R as well."""
    wr = w46 / w46.sum(axis=1, keepdims=True)
    res = SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model=model, effects=effects, lee_yu=lee_yu
    ).fit()
    e, d = _dummy_sse(cigar, wr, res, model)
    dm = _dummies(d, effects)
    resid = e - dm @ np.linalg.lstsq(dm, e, rcond=None)[0]
    sse = resid @ resid
    y = d["logc"].to_numpy()
    y_within = y - dm @ np.linalg.lstsq(dm, y, rcond=None)[0]
    k = len(res.params) + 1  # sigma2 counts
    n_eff = {"individual": 46 * 29, "twoways": 45 * 29}[effects] if lee_yu else 46 * 30
    loglik = r_reference[f"{model}_{effects}"]["loglik"] if not lee_yu else res.loglik
    assert_allclose(res.aic, -2 * loglik + 2 * k, rtol=0, atol=2 * tol.LOGLIK)
    assert_allclose(res.bic, -2 * loglik + k * np.log(n_eff), rtol=0, atol=2 * tol.LOGLIK)
    assert_allclose(res.r2, 1 - sse / ((y - y.mean()) @ (y - y.mean())), rtol=1e-9)
    assert_allclose(res.r2_within, 1 - sse / (y_within @ y_within), rtol=1e-9)
    assert_allclose(res.sigma2, sse / n_eff, rtol=1e-9)
    assert 0 < res.r2_within < res.r2 < 1


def test_default_covariance_record_and_summary_header(sdm):
    assert sdm.cov_info == {
        "cov_type": "oim",
        "cluster": None,
        "n_clusters": None,
        "dk_lag": None,
        "factor": 1.0,
        "bootstrap": None,
        "note": "standard errors from the information matrix",
    }
    header = [ln for ln in sdm.summary().splitlines() if "coef" in ln][0]
    assert header.split() == ["coef", "std", "err", "z", "P>|z|", "[0.025", "0.975]"]


@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.01])
def test_confidence_intervals_are_normal_quantiles(sdm, alpha):
    from scipy import stats

    ci = sdm.conf_int(alpha)
    q = stats.norm.ppf(1 - alpha / 2)
    assert_allclose(ci["lower"], sdm.params - q * sdm.std_errors, rtol=1e-12)
    assert_allclose(ci["upper"], sdm.params + q * sdm.std_errors, rtol=1e-12)


def test_summary_of_a_robust_fit_ends_with_its_note(sdm):
    res = sdm.model.fit(cov_type="robust")
    assert res.summary().endswith("\n\nNote: heteroskedasticity-robust (sandwich) standard errors.")
    assert "Note:" not in sdm.summary()


def test_respecify_keeps_what_it_is_not_told_to_change(sdm):
    """``respecify`` changes only the options it is given: a SAR refitted with other effects stays a SAR."""
    sar = sdm.model.respecify(model="sar")
    assert sar.respecify(effects="individual").model == "sar"
    assert sar.respecify(effects="individual").effects == "individual"
    fe = sdm.fixed_effects
    assert list(fe["time"].index) == list(sdm.model.periods)
    assert list(fe["individual"].index) == list(sdm.model.units)


def test_results_are_immutable_and_a_covariance_option_gives_a_new_object(cigar, w46):
    """linearmodels style: a fit's results never change; cov_type gives a new object whose inference follows
    from its own covariance (the sandwich of aicoord.panel.inference), with the estimates and the fixed
    effects of the same fit."""
    from aicoord.panel.inference import apply_cov_type

    mod = SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sar", effects="twoways"
    )
    oim = mod.fit()
    before = (oim.std_errors.copy(), dict(oim.cov_info))
    with pytest.raises(AttributeError, match="immutable"):
        oim.params = oim.params * 2
    robust = apply_cov_type(oim, "robust", None, None)
    assert robust is not oim and robust.cov_info["cov_type"] == "robust"
    assert_allclose(oim.std_errors, before[0], rtol=0, atol=0)  # the fit it came from is unchanged
    assert oim.cov_info == before[1]
    assert_allclose(robust.params, oim.params, rtol=0, atol=0)
    assert robust.fixed_effects is oim.fixed_effects
    assert_allclose(robust.std_errors, np.sqrt(np.diag(robust.cov.to_numpy())), rtol=1e-15)
    assert_allclose(robust.zvalues, robust.params / robust.std_errors, rtol=1e-15)
    assert not np.allclose(robust.std_errors, oim.std_errors)
    # the public fit path gives the same object as the explicit option, SEs to the last digit
    via_fit = mod.fit(cov_type="robust")
    assert_allclose(via_fit.std_errors, robust.std_errors, rtol=1e-10)
    with pytest.raises(AttributeError, match="immutable"):
        via_fit.cov_info = {}
