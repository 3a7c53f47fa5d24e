"""Cinelli-Hazlett sensitivity (aicoord.study.sensitivity) against the Darfur example of Cinelli and Hazlett
(2020, sec. 5) as stored in R sensemakr's tests (carloscinelli/sensemakr, tests/testthat/test-02-darfur.R):
estimate 0.09731582, se 0.02325654, dof 783; partial R2 0.02187309, RV_q=1 0.1387764, RV_q=1,alpha=0.05
0.07625797; with 'female' as benchmark (kd = 1, 2, 3) r2dz.x 0.00916428667504862, 0.0183285733500972,
0.0274928600251459, r2yz.dx 0.12464092303637, 0.249324064199975, 0.374050471038094, adjusted estimates
0.0752202712144491, 0.0529151723844518, 0.0303960234641548.  The benchmark's own partial R2 are not printed
there: r2dxj follows from r2dz at kd = 1 and r2yxj from r2yz at kd = 1; kd = 2, 3 are then out-of-sample
checks of the bound formulas.  Tolerance 1e-6 relative (the reference prints 7 or more significant digits;
the t statistic is rebuilt from the 7-digit estimate and se)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import optimize

from aicoord.study.sensitivity import adjusted_estimate, benchmark_bounds, partial_r2, robustness_value

EST, SE, DOF = 0.09731582, 0.02325654, 783
R2DZ = [0.00916428667504862, 0.0183285733500972, 0.0274928600251459]
R2YZ = [0.12464092303637, 0.249324064199975, 0.374050471038094]
ADJ = [0.0752202712144491, 0.0529151723844518, 0.0303960234641548]


def test_partial_r2_and_robustness_values():
    t = EST / SE
    assert_allclose(partial_r2(t, DOF), 0.02187309, rtol=1e-6)
    assert_allclose(robustness_value(t, DOF), 0.1387764, rtol=1e-6)
    assert_allclose(robustness_value(t, DOF, alpha=0.05), 0.07625797, rtol=1e-6)
    assert robustness_value(1.0, DOF, alpha=0.05) == 0.0  # not significant: no confounder needed


def test_benchmark_bounds_and_adjusted_estimates():
    r2dxj = R2DZ[0] / (1 + R2DZ[0])
    r2yxj = optimize.brentq(lambda r: benchmark_bounds(r2dxj, r, 1)[1] - R2YZ[0], 1e-6, 0.5, xtol=1e-15)
    for kd in (1, 2, 3):
        r2dz, r2yz = benchmark_bounds(r2dxj, r2yxj, kd)
        assert_allclose([r2dz, r2yz], [R2DZ[kd - 1], R2YZ[kd - 1]], rtol=1e-10)
        assert_allclose(adjusted_estimate(EST, SE, DOF, r2dz, r2yz), ADJ[kd - 1], rtol=1e-6)
    assert_allclose(adjusted_estimate(-EST, SE, DOF, R2DZ[0], R2YZ[0]), -ADJ[0], rtol=1e-6)
    assert np.isfinite(r2yxj)


def test_b_path_sensitivity_in_the_verdict(runs):
    """The demo verdict carries the b path's robustness values, recomputed here from the outcome fit's z."""
    from aicoord.study.sensitivity import robustness_value

    for name, m in runs["A"]["mechanisms"].items():
        y = m.outcome_fit
        dof = y.nobs - len(y.params)
        assert_allclose(m.mediated["b_rv"], robustness_value(float(y.zvalues[name]), dof), rtol=1e-12)
        assert m.mediated["b_benchmark"] in ("gov", "urban")
        assert 0 <= m.mediated["b_benchmark_r2dz"] < 1 and 0 <= m.mediated["b_benchmark_r2yz"] <= 1
    tab = runs["A"]["verdict"]
    assert {"b_rv", "b_rv_alpha", "b_benchmark", "b_adjusted"} <= set(tab.columns)


def test_b_path_sensitivity_at_another_level_and_the_benchmarks_partial_r2_with_the_channel(runs):
    """At alpha = 0.1, ``b_rv_alpha`` is RV_{1,0.1} of the channel's z (not the 5% value, nor RV_1); the
    benchmark's partial R² with the channel, given the other regressors, is t²/(t² + dof) of the benchmark in the
    least-squares regression of the demeaned channel on the other demeaned regressors (statsmodels, no constant),
    and ``b_benchmark_r2dz`` is that R² over one minus it (kd = 1)."""
    import statsmodels.api as sm

    from aicoord.study.mechanisms import b_path_sensitivity

    for name, m in runs["A"]["mechanisms"].items():
        y = m.outcome_fit
        dof = y.nobs - len(y.params)
        out = b_path_sensitivity(y, name, ["gov", "urban"], 0.1)
        z = float(y.zvalues[name])
        assert out["b_rv_alpha"] == pytest.approx(robustness_value(z, dof, alpha=0.1), rel=1e-12)
        assert out["b_rv_alpha"] != pytest.approx(robustness_value(z, dof, alpha=0.05), rel=1e-6)
        names = list(y.model.znames)
        others = [i for i, nm in enumerate(names) if nm != name]
        ols = sm.OLS(y.model.Zd[:, names.index(name)], y.model.Zd[:, others]).fit()
        t = float(ols.tvalues[others.index(names.index(out["b_benchmark"]))])
        r2dxj = t**2 / (t**2 + ols.df_resid)
        assert out["b_benchmark_r2dz"] == pytest.approx(r2dxj / (1 - r2dxj), rel=1e-8)
