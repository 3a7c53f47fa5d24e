"""Direct, indirect and total effects: for the SLX and SDEM they are the coefficients, with exact
linear standard errors.  (SAR/SDM effects versus R: test_cigar_vs_r.py, test_vs_spreg.py,
test_weights_by_year.py and test_published.py.)"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.panel import SpatialPanel


def _fit(cigar, w46, model, effects):
    return SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model=model, effects=effects
    ).fit()


def test_slx_sdem_effects_are_coefficients(cigar, w46):
    res = _fit(cigar, w46, "sdem", "twoways")
    imp = res.impacts()
    assert_allclose(imp.loc[("logp", "direct"), "estimate"], res.params["logp"])
    assert_allclose(imp.loc[("logp", "indirect"), "estimate"], res.params["W*logp"])
    v = res.cov.loc[["logp", "W*logp"], ["logp", "W*logp"]].to_numpy()
    assert_allclose(imp.loc[("logp", "total"), "se"], np.sqrt(v.sum()))


def test_sar_total_effect_identity_and_sem_refused(cigar, w46, tol):
    """Row-standardised W: the SAR total effect is beta / (1 - rho) exactly; the SEM has no
    spillovers, so its effects are refused."""
    res = _fit(cigar, w46, "sar", "individual")
    imp = res.impacts(draws=50, seed=1)
    rho = res.params["rho"]
    for var in ("logp", "logy"):
        assert_allclose(imp.loc[(var, "total"), "estimate"], res.params[var] / (1 - rho), rtol=tol.EXACT)
        assert_allclose(
            imp.loc[(var, "indirect"), "estimate"],
            imp.loc[(var, "total"), "estimate"] - imp.loc[(var, "direct"), "estimate"],
            rtol=tol.EXACT,
        )
    with pytest.raises(InputError, match="no spillover effects"):
        _fit(cigar, w46, "sem", "individual").impacts()


# ---- every effects path against the dense formula: direct = mean diag S_k, total = mean row sum S_k,
# S_k = (I - rho W)^{-1} (beta_k I + theta_k W), with W as the model uses it (row-standardised or raw)


def _knn_strengths(n, k, seed):
    """Asymmetric k-nearest-neighbour matrix with random link strengths (rows do not sum to one)."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(size=(n, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    np.fill_diagonal(d, np.inf)
    w = np.zeros((n, n))
    for i in range(n):
        w[i, np.argsort(d[i])[:k]] = rng.uniform(0.2, 1.0, k)
    assert not np.allclose(w, w.T)
    return w


def _small_panel(w_of_t, n=14, t=6, rho=0.4, seed=11):
    """Simulated SDM panel (two regressors, unit effects) with the matrix ``w_of_t(period)``."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(t, n, 2))
    mu = rng.normal(size=n)
    rows = []
    for p in range(t):
        w = w_of_t(p)
        w = w / w.sum(axis=1, keepdims=True)
        rhs = x[p] @ [1.0, -0.5] + w @ x[p] @ [0.3, 0.2] + mu + rng.normal(scale=0.5, size=n)
        y = np.linalg.solve(np.eye(n) - rho * w, rhs)
        rows += [{"id": i, "t": p, "y": y[i], "x1": x[p, i, 0], "x2": x[p, i, 1]} for i in range(n)]
    return pd.DataFrame(rows)


def _dense_effects(w, rho, beta, theta):
    s_inv = np.linalg.inv(np.eye(len(w)) - rho * w)
    s = s_inv @ (beta * np.eye(len(w)) + theta * w)
    return np.mean(np.diag(s)), np.mean(s.sum(axis=1))


def _used(w, standardize):
    return w / w.sum(axis=1, keepdims=True) if standardize else w


W_A = _knn_strengths(14, 3, 1)
W_B = _knn_strengths(14, 4, 2)


@pytest.mark.parametrize("model", ["sar", "sdm", "sac"])
@pytest.mark.parametrize("case", ["standardised", "unstandardised", "year_specific", "year_specific_unstandardised"])
def test_effects_equal_dense_formula(model, case):
    """Point effects of SAR, SDM and SAC equal the dense N x N formula for a row-standardised W, a raw
    (unstandardised, asymmetric) W and year-specific W (effects averaged over the periods)."""
    from aicoord.panel import SpatialPanel

    standardize = "unstandardised" not in case
    by_year = case.startswith("year")
    df = _small_panel(lambda p: W_A if not by_year or p < 3 else W_B)
    w = {p: (W_A if p < 3 else W_B) for p in range(6)} if by_year else W_A
    res = SpatialPanel(
        df, y="y", x=["x1", "x2"], id="id", time="t", w=w, model=model, effects="individual", standardize=standardize
    ).fit()
    imp = res.impacts(draws=2, seed=0)
    rho = res.params["rho"]
    mats = [W_A if not by_year or p < 3 else W_B for p in range(6)]
    for var in ("x1", "x2"):
        beta, theta = res.params[var], res.params.get(f"W*{var}", 0.0)
        dd = np.array([_dense_effects(_used(m, standardize), rho, beta, theta) for m in mats]).mean(axis=0)
        assert_allclose(imp.loc[(var, "direct"), "estimate"], dd[0], rtol=1e-9)
        assert_allclose(imp.loc[(var, "total"), "estimate"], dd[1], rtol=1e-9)
        assert_allclose(imp.loc[(var, "indirect"), "estimate"], dd[1] - dd[0], rtol=1e-9, atol=1e-12)


def test_simulated_effects_record_their_draws_and_refuse_unknown_methods(cigar, w46):
    """The attributes a table note reads: method, draws, seed, and the draws' means, which estimate the
    same effects as the point values (to a few Monte Carlo standard errors, se / sqrt(draws))."""
    res = _fit(cigar, w46, "sdm", "twoways")
    draws = 2000
    imp = res.impacts(draws=draws, seed=5)
    assert (imp.attrs["se"], imp.attrs["draws"], imp.attrs["seed"]) == ("sim", draws, 5)
    assert set(imp.attrs["simulated_mean"]) == {"direct", "indirect", "total"}
    for kind in ("direct", "indirect", "total"):
        est = imp.xs(kind, level=1)["estimate"].to_numpy()
        se = imp.xs(kind, level=1)["se"].to_numpy()
        assert np.all(np.abs(np.array(imp.attrs["simulated_mean"][kind]) - est) < 4 * se / np.sqrt(draws) + 1e-3 * se)
    assert res.impacts().attrs["draws"] == 1000  # the default
    with pytest.raises(InputError) as exc:
        res.impacts(se="bootstrap")
    assert exc.value.hint == "choose 'sim' or 'delta'"


@pytest.mark.parametrize("se", ["sim", "delta"])
def test_effect_tables_z_and_p_columns(cigar, w46, se):
    from scipy import stats

    imp = _fit(cigar, w46, "sdm", "twoways").impacts(se=se, draws=200, seed=1)
    assert_allclose(imp["z"], imp["estimate"] / imp["se"], rtol=1e-12)
    assert_allclose(imp["p"], 2 * stats.norm.sf(np.abs(imp["z"])), rtol=1e-10)


def test_simulated_effects_follow_a_change_of_units(cigar, w46):
    """Effects are equivariant to the units of a regressor: with ``logp`` in tenths (so that its
    coefficient, about -10, lies far below rho's interval) the effects are those of ``logp`` times
    10 and the simulated standard errors agree within four Monte Carlo standard errors of a
    standard deviation (``1/sqrt(2 draws)`` relative): the draws are screened on rho's column only."""
    kw = dict(y="logc", id="state", time="year", w=w46, model="sdm", effects="twoways")
    base = SpatialPanel(cigar, x=["logy", "logp"], **kw).fit()
    scaled = SpatialPanel(cigar.assign(logp=cigar["logp"] / 10), x=["logy", "logp"], **kw).fit()
    assert scaled.params["logp"] < scaled.model._lo
    draws = 2000
    a, b = base.impacts(draws=draws, seed=2), scaled.impacts(draws=draws, seed=2)
    assert b.attrs["draws"] == draws and np.all(np.isfinite(b["se"]))
    assert_allclose(b.loc["logy", "estimate"].to_numpy(), a.loc["logy", "estimate"].to_numpy(), rtol=1e-6)
    assert_allclose(b.loc["logp", "estimate"].to_numpy(), 10 * a.loc["logp", "estimate"].to_numpy(), rtol=1e-6)
    mc = 4 / np.sqrt(2 * draws)
    assert_allclose(b.loc["logy", "se"].to_numpy(), a.loc["logy", "se"].to_numpy(), rtol=mc)
    assert_allclose(b.loc["logp", "se"].to_numpy(), 10 * a.loc["logp", "se"].to_numpy(), rtol=mc)


def test_two_draws_give_consistent_standard_errors(cigar, w46):
    """With the fewest draws allowed (two), each SE is |difference of the two draws| / sqrt(2), so the total's
    equals the sum or the difference of the direct and indirect ones: all three use the same estimator."""
    imp = _fit(cigar, w46, "sdm", "twoways").impacts(draws=2, seed=4)
    for v in ("logp", "logy"):
        d, i, t = (imp.loc[(v, k), "se"] for k in ("direct", "indirect", "total"))
        assert np.isfinite(t)
        assert min(abs(t - (d + i)), abs(t - abs(d - i))) < 1e-12 * (d + i)


def test_effects_of_a_regressor_without_its_spatial_lag(cigar, w46):
    """SLX with ``W*logy`` only: ``logp`` has no spillover, so its indirect effect is exactly 0 with SE 0, z and
    p undefined (NaN), and no division warning; its total is its direct effect."""
    res = SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="slx", effects="twoways", wx=["logy"]
    ).fit()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        imp = res.impacts()
    row = imp.loc[("logp", "indirect")]
    assert row["estimate"] == 0.0 and row["se"] == 0.0 and np.isnan(row["z"]) and np.isnan(row["p"])
    assert imp.loc[("logp", "total"), "se"] == pytest.approx(res.std_errors["logp"], rel=1e-12)
    assert imp.loc[("logy", "indirect"), "se"] == pytest.approx(res.std_errors["W*logy"], rel=1e-12)


def test_effects_from_eigenvalues_equal_the_dense_matrix_of_effects():
    """LeSage and Pace's S = (I - rho W)^-1 (beta I + theta W), formed densely (the reference), against the
    eigenvalue formulas the study uses: direct = mean diagonal, total = mean row sum, for one point and for
    draws."""
    from aicoord.panel.effects import effects_from_eigenvalues

    rng = np.random.default_rng(7)
    a = (rng.random((12, 12)) < 0.3).astype(float)
    a = np.triu(a, 1) + np.triu(a, 1).T
    a[np.arange(12), (np.arange(12) + 1) % 12] = a[(np.arange(12) + 1) % 12, np.arange(12)] = 1.0  # no island
    w = a / a.sum(axis=1, keepdims=True)
    omega = np.linalg.eigvals(w)
    rho, beta, theta = np.array([0.4, -0.3]), np.array([1.5, 0.2]), np.array([-0.7, 0.9])
    direct, indirect, total = effects_from_eigenvalues(omega, rho, beta, theta)
    for i in range(2):
        s = np.linalg.solve(np.eye(12) - rho[i] * w, beta[i] * np.eye(12) + theta[i] * w)
        assert_allclose(direct[i], np.trace(s) / 12, rtol=1e-12)
        assert_allclose(total[i], s.sum() / 12, rtol=1e-12)
        assert_allclose(indirect[i], s.sum() / 12 - np.trace(s) / 12, rtol=1e-11)
    one = effects_from_eigenvalues(omega, 0.4, 1.5, -0.7)
    assert [x.shape for x in one] == [(1,)] * 3 and one[0][0] == direct[0]
