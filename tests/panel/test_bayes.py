"""Bayesian posterior model probabilities (aicoord.panel.bayes; LeSage 2014, R SDPDmod::blmpSDPD).

Three checks:

1. **Integration** against an independent computation: the log marginal of the SAR and the SEM
   recomputed with dense matrices (``numpy.linalg.slogdet`` of ``I - rho W`` and a direct least
   squares at every point) and integrated by ``scipy.integrate.quad``.
2. **Published values.**  Mendez, C. (2026), "Spatial Dynamic Panel Data Modeling in R: Cigarette
   Demand Across US States", https://carlos-mendez.org/post/r_sdpdmod/, section 5.2, prints
   ``blmpSDPD(logc ~ logp + logy, effect = "individual", prior = "uniform")`` on plm's ``Cigar``
   with ``usa46`` (the same matrix as ``cigar_w46.csv``, see ``test_published.py``):

   ====== ======== ======== ======== ======= ======== ========
   model  ols      sar      sdm      sem     sdem     slx
   log m  884.7551 938.6934 1046.487 993.192 1039.671 930.0585
   prob   0        0        0.9989   0       0.0011   0
   ====== ======== ======== ======== ======= ======== ========

   The OLS and SLX values and the probabilities are reproduced by :func:`model_probabilities` to
   every printed digit.  The spatial models' log marginals printed there are larger than ours by
   about 2.6: with ``f`` the integrand scaled by its maximum on the grid ``r_j``, blmpSDPD (after
   LeSage's Matlab code) adds ``sum_j (r_{j+1} + r_j)/2 (f_{j+1} - f_j)``, which by summation by
   parts is ``[r f] - ∫ f dr ≈ -∫ f dr`` (about -0.07), where the log marginal needs
   ``log ∫ f dr`` (about -2.7).  Applied to our integrands, that sum reproduces the printed
   values to every digit; since the integrands of SAR, SDM, SEM and SDEM have similar widths, the
   probabilities are nearly the same either way (0.9989 / 0.0011 both).  With unit effects only,
   ``Q (W y) = W (Q y)``, so blmpSDPD's lag of the demeaned data makes no difference here.  Its
   two-way example in the same post uses ``prior = "beta"`` and ``W (Q y)`` and is not compared,
   except the OLS, which involves neither (1076.602).
3. **Seeded Monte Carlo** with known truth: data simulated from each of SLX, SAR, SEM, SDM and SDEM
   (46 Cigar states, 16 periods, two-way effects, x ~ N(0, I), beta = (1, -1), theta = (0.6, -0.6),
   rho = lambda = 0.4, sigma = 0.5); the true model must get the highest probability in at least
   16 of 20 replications.  Under a success rate of 1/2 the probability of 16 or more successes in
   20 is 0.0059, so passing shows a rate above one half at the 1% level.  Observed counts (seed
   20261201): SLX 18, SAR 20, SEM 20, SDM 20, SDEM 19 of 20.  Under flat priors the Bayes factor
   between nested models depends on the signal-to-noise ratio (Lindley's paradox): with 8 periods
   and sigma = 1 the SAR wins only 10 of 20 replications (SDM 7, SDEM 3), so the probabilities
   favour the larger model more than a classical test would in noisy panels.
"""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.panel import SpatialPanel
from aicoord.panel.bayes import integrands, log_marginals, model_probabilities

X = ["logp", "logy"]
ARGS = dict(y="logc", x=X, id="state", time="year")
PRINTED = {"ols": 884.7551, "sar": 938.6934, "sdm": 1046.487, "sem": 993.192, "sdem": 1039.671, "slx": 930.0585}
PRINTED_PROB = {"sdm": 0.9989, "sdem": 0.0011}


def _printed_digits(v):
    """Half a unit in the last printed digit (7 significant digits, as R prints them)."""
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(v))) - 6)


@pytest.fixture(scope="module")
def cigar_individual(cigar, w46):
    return integrands(cigar, w=w46, effects="individual", models=list(PRINTED), **ARGS)


def test_sdpdmod_printed_values_reproduced(cigar, w46, cigar_individual):
    parts, grid = cigar_individual
    for m, printed in PRINTED.items():
        const, logf = parts[m]
        if logf is None:
            value = const
        else:  # blmpSDPD's sum in place of the log of the integral (module docstring)
            top = logf.max()
            f = np.exp(logf - top)
            value = const + top + np.sum((grid[1:] + grid[:-1]) / 2 * (f[1:] - f[:-1]))
        assert abs(value - printed) <= _printed_digits(printed), (m, value, printed)
    probs = model_probabilities(cigar, w=w46, effects="individual", models=list(PRINTED), **ARGS)
    for m, printed in PRINTED_PROB.items():
        assert abs(probs.loc[m, "probability"] - printed) <= 5e-5
    for m in ("ols", "sar", "sem", "slx"):
        assert probs.loc[m, "probability"] < 5e-5  # printed as 0
    # our (correct) log marginals of the spatial models are lower by about log of the width
    lm = probs["log_marginal"]
    for m in ("sar", "sdm", "sem", "sdem"):
        assert 2.0 < PRINTED[m] - lm[m] < 3.5
    assert_allclose(lm[["ols", "slx"]].to_numpy(), [PRINTED["ols"], PRINTED["slx"]], atol=5e-5)


def test_twoways_ols_printed(cigar, w46):
    """Mendez (2026) section 5.3: blmpSDPD's two-way OLS log marginal 1076.602 (no W involved)."""
    lm = log_marginals(cigar, w=w46, effects="twoways", models=["ols"], **ARGS)
    assert abs(lm["ols"] - 1076.602) <= 5e-4


@pytest.mark.parametrize("model", ["sar", "sem"])
def test_integral_matches_dense_quadrature(cigar, w46, model):
    """The grid/Cholesky computation equals a dense recomputation integrated by adaptive
    quadrature (scipy.integrate.quad, over the same interval)."""
    from scipy import integrate

    eff = "twoways"
    step = 0.001
    parts, grid = integrands(cigar, w=w46, effects=eff, models=[model], step=step, **ARGS)
    const, logf = parts[model]
    ours = log_marginals(cigar, w=w46, effects=eff, models=[model], step=step, **ARGS)[model]
    mod = SpatialPanel(cigar, w=w46, model="sar", effects=eff, **ARGS)
    wd = w46 / w46.sum(axis=1, keepdims=True)
    n, t = mod.N, mod.T
    z, y = mod.Zd, mod.yd

    def dm(a):  # two-way demeaning of a (T, N) array, flattened
        return (a - a.mean(0) - a.mean(1)[:, None] + a.mean()).ravel()

    wy = dm(mod.Y @ wd.T)
    wz = np.column_stack([dm(mod.X[:, :, j] @ wd.T) for j in range(2)])
    a = (n * t - 2 - (n + t - 1)) / 2
    top = logf.max()

    def f(r):
        ld = t * np.linalg.slogdet(np.eye(n) - r * wd)[1]
        if model == "sar":
            yr, zr, extra = y - r * wy, z, 0.0
        else:
            yr, zr = y - r * wy, z - r * wz
            extra = -0.5 * np.linalg.slogdet(zr.T @ zr)[1]
        b = np.linalg.lstsq(zr, yr, rcond=None)[0]
        e = yr - zr @ b
        return math.exp(ld + extra - a * math.log(e @ e) - top)

    mode = grid[np.argmax(logf)]
    val, _ = integrate.quad(f, grid[0], grid[-1], points=[mode], limit=200, epsabs=0, epsrel=1e-10)
    assert_allclose(ours, const + top + math.log(val), rtol=0, atol=1e-6)


def _simulate(truth, rng, w, t=16, sigma=0.5):
    n = w.shape[0]
    wd = w / w.sum(axis=1, keepdims=True)
    beta, theta, sp = np.array([1.0, -1.0]), np.array([0.6, -0.6]), 0.4
    a_inv = np.linalg.inv(np.eye(n) - sp * wd)
    alpha, gamma = rng.normal(size=n), rng.normal(size=t)
    rows = []
    for ti in range(t):
        x = rng.normal(size=(n, 2))
        mu = x @ beta + alpha + gamma[ti]
        if truth in ("slx", "sdm", "sdem"):
            mu = mu + wd @ x @ theta
        eps = sigma * rng.normal(size=n)
        if truth in ("sem", "sdem"):
            eps = a_inv @ eps
        yv = a_inv @ (mu + eps) if truth in ("sar", "sdm") else mu + eps
        for i in range(n):
            rows.append((i, ti, yv[i], x[i, 0], x[i, 1]))
    import pandas as pd

    return pd.DataFrame(rows, columns=["unit", "period", "y", "x1", "x2"])


MC_REPS = 20


@pytest.mark.slow
@pytest.mark.parametrize("truth", ["slx", "sar", "sem", "sdm", "sdem"])
def test_monte_carlo_true_model_wins(w46, truth):
    """Simulated data (labelled simulated: the panel is drawn here), two-way effects."""
    rng = np.random.default_rng([20261201, ["slx", "sar", "sem", "sdm", "sdem"].index(truth)])
    wins = 0
    for _ in range(MC_REPS):
        d = _simulate(truth, rng, w46)
        pr = model_probabilities(
            d, y="y", x=["x1", "x2"], id="unit", time="period", w=w46, effects="twoways", step=0.002
        )
        wins += pr["probability"].idxmax() == truth
    assert wins >= 16


def test_bad_options(cigar, w46):
    with pytest.raises(InputError, match=r"^unknown models for the model probabilities: \['sac'\]") as exc:
        log_marginals(cigar, w=w46, models=["sac"], **ARGS)
    assert exc.value.hint == "choose among ols, slx, sar, sem, sdm, sdem"
    with pytest.raises(InputError, match="fixed or no effects, not 'random'") as exc:
        log_marginals(cigar, w=w46, effects="random", **ARGS)
    assert exc.value.hint == "use none, individual, time or twoways"
    with pytest.raises(InputError, match="step"):
        log_marginals(cigar, w=w46, step=0, **ARGS)
    with pytest.raises(InputError, match="^model probabilities are implemented for balanced panels only") as exc:
        log_marginals(cigar.iloc[:-1], w=w46, **ARGS)
    assert exc.value.hint == "fit the models by maximum likelihood on an unbalanced panel"


def test_time_effects_and_the_recorded_prior_and_rule(cigar, w46):
    """Time effects are one of the accepted transformations (probabilities sum to one), and the table records
    the prior and the quadrature it was computed with (a note under a paper table reads them)."""
    probs = model_probabilities(cigar, w=w46, effects="time", models=["sar", "sdm"], **ARGS)
    assert probs["probability"].sum() == pytest.approx(1.0, abs=1e-12)
    assert probs.index.name == "model" and list(probs.index) == ["sar", "sdm"]
    assert probs.attrs["effects"] == "time"
    assert probs.attrs["prior"] == (
        "LeSage (2014): flat beta, 1/sigma, uniform rho on (1/omega_min, 1/omega_max), equal model probabilities"
    )
    assert probs.attrs["rule"] == "trapezoid rule on a uniform grid in the spatial parameter"


def test_integrands_default_to_two_way_effects(cigar, w46):
    """Like ``log_marginals``, ``integrands`` takes two-way effects unless told otherwise."""
    default, grid = integrands(cigar, w=w46, models=["sar"], **ARGS)
    twoways, grid2 = integrands(cigar, w=w46, effects="twoways", models=["sar"], **ARGS)
    assert_allclose(grid, grid2, rtol=0, atol=0)
    assert default["sar"][0] == twoways["sar"][0]
    assert_allclose(default["sar"][1], twoways["sar"][1], rtol=0, atol=0)


def test_log_marginals_are_a_named_series(cigar, w46):
    lm = log_marginals(cigar, w=w46, effects="twoways", models=["ols", "sar"], **ARGS)
    assert lm.name == "log_marginal" and list(lm.index) == ["ols", "sar"]


def test_log_determinant_grid_with_a_matrix_per_period(cigar, w46, w46_less_one_border):
    """``sum_t log|I - r W_t|`` on the grid with two matrices (one border fewer from 1980), against dense
    log-determinants period by period."""
    from aicoord.panel.bayes import _logdet_grid

    other = w46_less_one_border
    by = {y: (w46 if y < 80 else other) for y in sorted(cigar["year"].unique())}
    mod = SpatialPanel(cigar, w=by, model="sar", effects="twoways", **ARGS)
    grid = np.array([-0.5, 0.1, 0.7])
    dense = [m / m.sum(axis=1, keepdims=True) for m in (w46, other)]
    want = [sum(np.linalg.slogdet(np.eye(46) - r * dense[0 if y < 80 else 1])[1] for y in by) for r in grid]
    assert_allclose(_logdet_grid(mod, grid), want, rtol=1e-12)
