"""Specification tests: the SDM Wald and LR tests versus R, the LR tests of the fixed effects,
the Hausman test, and the TestResult objects they return.

References: Wald statistics from lagsarlm's asymptotic covariance in cigar_reference_extra.json
(make_reference_extra.R); LR tests from the R log-likelihoods of lagsarlm / errorsarlm in
cigar_reference.json.  The LM tests are compared with R in test_cigar_vs_r.py and with spreg in
test_vs_spreg.py.
"""

import types

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from aicoord.errors import InputError
from aicoord.panel import SpatialPanel, TestResult
from aicoord.panel.diagnostics import hausman, lm_tests, lr_effects_tests, sdm_tests


def _fit(cigar, w46, model, effects):
    return SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model=model, effects=effects
    ).fit()


@pytest.mark.parametrize("effects", ["individual", "twoways"])
def test_sdm_wald_and_lr_match_r(cigar, w46, r_extra_reference, r_reference, effects):
    res = _fit(cigar, w46, "sdm", effects)
    out = sdm_tests(res)
    ref = r_extra_reference[f"sdm_wald_{effects}"]
    assert_allclose(out["wald_sar"].statistic, ref["wald_sar"], rtol=1e-4)
    assert_allclose(out["wald_sem"].statistic, ref["wald_sem"], rtol=1e-4)
    ll = {m: r_reference[f"{m}_{effects}"]["loglik"] for m in ("sdm", "sar", "sem")}
    assert_allclose(out["lr_sar"].statistic, 2 * (ll["sdm"] - ll["sar"]), rtol=0, atol=1e-3)
    assert_allclose(out["lr_sem"].statistic, 2 * (ll["sdm"] - ll["sem"]), rtol=0, atol=1e-3)
    assert out["wald_sar"].df == 2
    assert_allclose(out["wald_sar"].pvalue, stats.chi2.sf(out["wald_sar"].statistic, 2))


def test_lr_effects_tests(cigar, w46):
    out = lr_effects_tests(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46)
    lls = {e: _fit(cigar, w46, "slx", e).loglik for e in ("individual", "time", "twoways")}
    # note: SLX here has WX; lr_effects_tests uses the plain non-spatial model, so refit that
    plain = {
        e: SpatialPanel(
            cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="slx", wx=[], effects=e
        )
        .fit()
        .loglik
        for e in ("individual", "time", "twoways")
    }
    assert lls != plain
    assert_allclose(out["individual"].statistic, 2 * (plain["twoways"] - plain["time"]))
    assert_allclose(out["time"].statistic, 2 * (plain["twoways"] - plain["individual"]))
    assert (out["individual"].df, out["time"].df) == (45, 29)


def test_hausman(cigar, w46):
    fe = _fit(cigar, w46, "sar", "individual")
    re = _fit(cigar, w46, "sar", "random")
    h = hausman(fe, re)
    common = ["logp", "logy", "rho"]
    dvec = (fe.params[common] - re.params[common]).to_numpy()
    v = fe.cov.loc[common, common].to_numpy() - re.cov.loc[common, common].to_numpy()
    assert h.df == 3
    assert_allclose(h.statistic, dvec @ np.linalg.pinv(v) @ dvec)


def test_diagnostics_return_test_results(cigar, w46):
    out = lm_tests(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, effects="twoways")
    assert list(out) == ["lm_lag", "lm_error", "robust_lm_lag", "robust_lm_error"]
    for name, r in out.items():
        assert isinstance(r, TestResult) and r.name == name and r.df == 1 and r.note is None
        assert_allclose(r.pvalue, stats.chi2.sf(r.statistic, 1), rtol=1e-10)
        assert ("rho = 0" if "lag" in name else "lambda = 0") in r.null


def test_sdm_tests_without_lr_and_only_for_the_sdm(cigar, w46):
    out = sdm_tests(_fit(cigar, w46, "sdm", "individual"), lr=False)
    assert list(out) == ["wald_sar", "wald_sem"]
    assert "reduces to the SAR" in out["wald_sar"].null and out["wald_sem"].name == "wald_sem"
    with pytest.raises(InputError, match="^sdm_tests needs a fitted SDM") as exc:
        sdm_tests(_fit(cigar, w46, "sar", "individual"))
    assert exc.value.hint == "got a SAR"


def test_hausman_generalised_inverse_note():
    """When V_FE - V_RE is not positive definite the statistic comes from a generalised inverse
    (it may be negative), the p-value from max(H, 0), and a note says so."""
    names = ["x", "rho"]

    def fake(b, v):
        return types.SimpleNamespace(params=pd.Series(b, index=names), cov=pd.DataFrame(v, index=names, columns=names))

    fe = fake([1.0, 0.3], np.diag([0.01, 0.02]))
    re = fake([0.9, 0.25], np.diag([0.03, 0.01]))  # V_FE - V_RE = diag(-0.02, 0.01)
    h = hausman(fe, re)
    d = np.array([0.1, 0.05])
    assert_allclose(h.statistic, d @ np.linalg.pinv(np.diag([-0.02, 0.01])) @ d, rtol=1e-12)
    assert h.statistic < 0 and h.pvalue == 1.0 and h.df == 2
    assert h.note == "V_FE - V_RE is not positive definite; generalised inverse used"
    assert h.to_dict()["note"] == h.note
    # singular (an exactly zero eigenvalue) is not positive definite either
    fe0 = fake([1.0, 0.3], np.diag([0.03, 0.02]))
    h0 = hausman(fe0, re)  # V_FE - V_RE = diag(0, 0.01)
    assert h0.note == "V_FE - V_RE is not positive definite; generalised inverse used"
    assert_allclose(h0.statistic, 0.05**2 / 0.01, rtol=1e-12)


def test_lr_effects_tests_against_dummy_regressions(cigar, w46):
    """LR tests of the fixed effects against Gaussian log-likelihoods of least-squares regressions on
    explicit unit and/or year dummies computed here: ll = -n/2 (log(2 pi SSE/n) + 1)."""
    from aicoord.panel.diagnostics import lr_effects_tests

    d = cigar.sort_values(["year", "state"])
    y = d["logc"].to_numpy()
    x = d[["logp", "logy"]].to_numpy()
    unit = np.column_stack([(d["state"] == s).to_numpy(float) for s in sorted(d["state"].unique())[1:]])
    year = np.column_stack([(d["year"] == s).to_numpy(float) for s in sorted(d["year"].unique())[1:]])
    n = len(y)

    def ll(*blocks):
        z = np.column_stack([np.ones(n), x, *blocks])
        e = y - z @ np.linalg.lstsq(z, y, rcond=None)[0]
        return -n / 2 * (np.log(2 * np.pi * (e @ e) / n) + 1)

    two, ind, tim = ll(unit, year), ll(unit), ll(year)
    out = lr_effects_tests(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46)
    assert_allclose(out["individual"].statistic, 2 * (two - tim), rtol=1e-9)
    assert_allclose(out["time"].statistic, 2 * (two - ind), rtol=1e-9)
    assert (out["individual"].df, out["time"].df) == (45, 29)
    assert_allclose(out["individual"].pvalue, stats.chi2.sf(2 * (two - tim), 45), rtol=1e-9, atol=1e-300)
    assert_allclose(out["time"].pvalue, stats.chi2.sf(2 * (two - ind), 29), rtol=1e-9, atol=1e-300)


def test_lm_tests_refuse_an_unbalanced_panel_and_say_what_can_be_done(cigar, w46):
    from aicoord.errors import InputError
    from aicoord.panel.diagnostics import lm_tests

    with pytest.raises(InputError, match="balanced panels only") as exc:
        lm_tests(cigar.iloc[3:], y="logc", x=["logp", "logy"], id="state", time="year", w=w46)
    assert exc.value.hint == "the spatial models themselves can be fitted on an unbalanced panel"
