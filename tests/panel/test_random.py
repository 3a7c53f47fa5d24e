"""Random-effects SAR and SEM: the reported log-likelihood is the maximum of the dense
multivariate-normal log-density of the stacked model."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import optimize, stats

from aicoord.errors import InputError
from aicoord.panel import SpatialPanel


def _random_effects_five_years(cigar, w46, model):
    """RE fit on 1963-67 and the stacked (time-major) y, [1, X] and row-standardised W."""
    d = cigar[cigar["year"] <= 67]
    res = SpatialPanel(
        d, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model=model, effects="random"
    ).fit()
    ds = d.sort_values(["year", "state"])
    x = np.column_stack([np.ones(len(ds)), ds[["logp", "logy"]].to_numpy()])
    return res, ds["logc"].to_numpy(), x, w46 / w46.sum(axis=1, keepdims=True)


@pytest.fixture(scope="module")
def re_sar(cigar, w46):
    """The RE SAR fit on 5 years (its two-dimensional search is the slow part of these tests: fit once)."""
    return _random_effects_five_years(cigar, w46, "sar")


@pytest.fixture(scope="module")
def re_sem(cigar, w46):
    """The RE SEM fit on 5 years, shared by the log-likelihood and standard-error tests."""
    return _random_effects_five_years(cigar, w46, "sem")


def test_random_effects_polish_converges(cigar, w46, monkeypatch):
    # the log-likelihood (about -649) is rounded at some 1e-13: with an absolute function tolerance of
    # 1e-14 the Nelder-Mead polish never stopped and ran to its 20,000-iteration cap (80,000 fits)
    polishes = []
    minimize = optimize.minimize

    def spy(*args, **kwargs):
        res = minimize(*args, **kwargs)
        if kwargs.get("method") == "Nelder-Mead":
            polishes.append(res)
        return res

    monkeypatch.setattr(optimize, "minimize", spy)
    _random_effects_five_years(cigar, w46, "sar")
    assert len(polishes) == 1
    assert polishes[0].status == 0 and polishes[0].nit < 1000, polishes[0].message


def test_random_effects_loglik_is_dense_gaussian_max(re_sar):
    """RE SAR on 5 years: the reported log-likelihood equals the dense Gaussian log-density of
    y ~ N(A^-1 X b, A^-1 Omega A^-T), Omega = s2_mu (J_T x I_N) + s2 I, at the estimates, and
    perturbing rho or phi lowers it (a maximum)."""
    res, y, x, wr = re_sar
    n, t = 46, 5

    def dense_ll(rho, s2mu, s2, b):
        a = np.eye(n * t) - rho * np.kron(np.eye(t), wr)
        omega = s2mu * np.kron(np.ones((t, t)), np.eye(n)) + s2 * np.eye(n * t)
        # density of y: |A| times the density of A y
        return stats.multivariate_normal(x @ b, omega).logpdf(a @ y) + np.linalg.slogdet(a)[1]

    b = res.params[["const", "logp", "logy"]].to_numpy()
    ll0 = dense_ll(res.rho, res.sigma2_mu, res.sigma2, b)
    assert_allclose(res.loglik, ll0, rtol=0, atol=1e-8)
    assert dense_ll(res.rho + 1e-3, res.sigma2_mu, res.sigma2, b) < ll0
    assert dense_ll(res.rho, res.sigma2_mu * 1.05, res.sigma2, b) < ll0
    assert dense_ll(res.rho, res.sigma2_mu / 1.05, res.sigma2, b) < ll0


def test_random_effects_sem_loglik_is_dense_gaussian_max(re_sem):
    """RE SEM on 5 years: the reported log-likelihood equals the dense Gaussian log-density of
    y ~ N(X b, s2_mu (J_T x I_N) + s2 (I_T x (B'B)^-1)), B = I - lambda W, at the estimates,
    and perturbing lambda or s2_mu lowers it."""
    res, y, x, wr = re_sem
    n, t = 46, 5

    def dense_ll(lam, s2mu, s2, b):
        bm = np.eye(n) - lam * wr
        omega = s2mu * np.kron(np.ones((t, t)), np.eye(n)) + s2 * np.kron(np.eye(t), np.linalg.inv(bm.T @ bm))
        return stats.multivariate_normal(x @ b, omega).logpdf(y)

    b = res.params[["const", "logp", "logy"]].to_numpy()
    ll0 = dense_ll(res.lam, res.sigma2_mu, res.sigma2, b)
    assert_allclose(res.loglik, ll0, rtol=0, atol=1e-8)
    assert dense_ll(res.lam + 1e-3, res.sigma2_mu, res.sigma2, b) < ll0
    assert dense_ll(res.lam - 1e-3, res.sigma2_mu, res.sigma2, b) < ll0
    assert dense_ll(res.lam, res.sigma2_mu * 1.05, res.sigma2, b) < ll0
    assert dense_ll(res.lam, res.sigma2_mu / 1.05, res.sigma2, b) < ll0


def _dense_re_sem_ll(y, x, wr, n, t):
    """Dense Gaussian log-likelihood of the RE SEM in (b, lambda, s2_mu, s2):
    y ~ N(X b, s2_mu (J_T x I_N) + s2 (I_T x (B'B)^-1)), B = I - lambda W."""
    jt = np.kron(np.ones((t, t)), np.eye(n))

    def ll(p):
        b, lam, s2mu, s2 = p[:-3], p[-3], p[-2], p[-1]
        bm = np.eye(n) - lam * wr
        omega = s2mu * jt + s2 * np.kron(np.eye(t), np.linalg.inv(bm.T @ bm))
        return stats.multivariate_normal(x @ b, omega).logpdf(y)

    return ll


def _dense_re_sar_ll(y, x, wr, n, t):
    """Dense Gaussian log-likelihood of the RE SAR in (b, rho, s2_mu, s2): log|A| plus the normal log-density
    of A y with mean X b and covariance Omega = s2_mu (J_T x I_N) + s2 I. Omega is diagonalised once
    (numerically, from the dense J_T x I_N) and log|A| comes from a dense LU of the NT x NT matrix."""
    kron_w = np.kron(np.eye(t), wr)
    lam, u = np.linalg.eigh(np.kron(np.ones((t, t)), np.eye(n)))

    def ll(p):
        b, rho, s2mu, s2 = p[:-3], p[-3], p[-2], p[-1]
        a = np.eye(n * t) - rho * kron_w
        r = u.T @ (a @ y - x @ b)
        ev = s2mu * lam + s2
        return -0.5 * (n * t * np.log(2 * np.pi) + np.sum(np.log(ev)) + np.sum(r * r / ev)) + np.linalg.slogdet(a)[1]

    return ll


def _hessian(f, p, rel=1e-4):
    """Central-difference Hessian with steps rel * max(|p_i|, 0.01)."""
    h = rel * np.maximum(np.abs(p), 0.01)
    k = len(p)
    out = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):

            def at(si, sj, i=i, j=j):
                q = p.copy()
                q[i] += si * h[i]
                q[j] += sj * h[j]
                return f(q)

            out[i, j] = out[j, i] = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h[i] * h[j])
    return out


@pytest.fixture(scope="module")
def re_dense(re_sar):
    """RE SAR on 5 years and the inverse numerical Hessian of the dense likelihood at its estimates."""
    res, y, x, wr = re_sar
    ll = _dense_re_sar_ll(y, x, wr, 46, 5)
    p = np.r_[res.params[["const", "logp", "logy"]].to_numpy(), res.rho, res.sigma2_mu, res.sigma2]
    assert_allclose(ll(p), res.loglik, rtol=0, atol=1e-8)  # the same likelihood as the package's
    return res, np.linalg.inv(-_hessian(ll, p))


def test_random_effects_standard_errors_equal_dense_hessian(re_dense):
    """RE SAR on 5 years: the standard errors of (b, rho) and of sigma2 equal those of the inverse numerical
    Hessian of the dense Gaussian log-likelihood in (b, rho, s2_mu, s2) (the package differentiates its own
    transformed likelihood in (b, rho, phi, s2); the covariance of (b, rho, s2) does not depend on which of
    phi or s2_mu is the fourth parameter)."""
    res, cov = re_dense
    se = np.sqrt(np.diag(cov))
    assert_allclose(res.std_errors[["const", "logp", "logy", "rho"]].to_numpy(), se[:4], rtol=2e-3)
    assert_allclose(res.sigma2_se, se[-1], rtol=2e-3)


def test_hausman_with_dense_covariances(cigar, w46, re_dense):
    """Hausman statistic of FE against RE SAR on 5 years, with the RE covariance taken from the dense
    likelihood's Hessian (above) and the FE covariance from R-verified analytic information."""
    from aicoord.panel import hausman

    d = cigar[cigar["year"] <= 67]
    fe = SpatialPanel(
        d, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sar", effects="individual"
    ).fit()
    re, cov = re_dense
    common = ["logp", "logy", "rho"]
    diff = (fe.params[common] - re.params[common]).to_numpy()
    v = fe.cov.loc[common, common].to_numpy() - cov[1:4, 1:4]
    h = hausman(fe, re)
    assert h.df == 3
    assert_allclose(h.statistic, diff @ np.linalg.pinv(v) @ diff, rtol=1e-2)
    assert_allclose(h.pvalue, stats.chi2.sf(max(h.statistic, 0.0), 3), rtol=1e-12)


def _re_and_pooled_on_the_bound(w46, model, shrink=0.0):
    """RE and pooled fits of a 46-state, 5-period panel (seed 4) without unit effects: a SEM (errors spatially
    autocorrelated, rho = 0.4) or a SAR (outcome spatially lagged); ``shrink`` pulls each unit's errors towards
    their mean over the periods, below the between variation of a zero unit variance. The RE fit must warn that
    its unit variance is zero."""
    import pandas as pd

    wr = w46 / w46.sum(axis=1, keepdims=True)
    rng = np.random.default_rng(4)
    draws = [(rng.normal(size=46), rng.normal(size=46)) for _ in range(5)]
    errors = np.array([e for _, e in draws])
    errors -= shrink * errors.mean(axis=0)
    rows = []
    for p, (x, _) in enumerate(draws):
        if model == "sem":
            y = 1 + 2 * x + np.linalg.solve(np.eye(46) - 0.4 * wr, errors[p])
        else:
            y = np.linalg.solve(np.eye(46) - 0.4 * wr, 1 + 2 * x + errors[p])
        rows += [dict(id=i, t=p, y=y[i], x=x[i]) for i in range(46)]
    d = pd.DataFrame(rows)
    kw = dict(y="y", x=["x"], id="id", time="t", w=w46, model=model)
    with pytest.warns(RuntimeWarning, match="random-effects variance is estimated at zero") as rec:
        re = SpatialPanel(d, effects="random", **kw).fit()
    texts = {str(w.message) for w in rec if "random-effects variance" in str(w.message)}
    assert texts == {
        "random-effects variance is estimated at zero: the model reduces to the pooled SEM"
        if model == "sem"
        else "random-effects variance is estimated at zero (phi = 1): the model reduces to the pooled one"
    }
    return re, SpatialPanel(d, effects="none", **kw).fit()


def test_random_effects_sem_variance_at_zero_is_the_pooled_sem(w46):
    """phi -> 0 branch: on a simulated SEM panel without unit effects whose unit means vary less than a zero unit
    variance implies (``shrink=0.9``: the maximum is on the bound, not merely near it) the RE SEM warns that the
    random-effects variance is zero and its estimates and log-likelihood are those of the pooled SEM (checked
    against R in test_cigar_vs_r.py).  The search in log phi stalls short of the bound at a phi between 1e-12
    and 1e-6 that depends on the BLAS kernel (``OPENBLAS_CORETYPE``); the fit takes the bound when its
    likelihood is no lower, so the warning no longer depends on the floating-point path."""
    re, pooled = _re_and_pooled_on_the_bound(w46, "sem", shrink=0.9)
    assert re.phi < 1e-10 and re.sigma2_mu < 1e-10
    assert_allclose(
        re.params[["const", "x", "lambda"]].to_numpy(),
        pooled.params[["const", "x", "lambda"]].to_numpy(),
        rtol=0,
        atol=1e-5,
    )
    assert_allclose(re.loglik, pooled.loglik, rtol=0, atol=1e-6)


def test_hausman_warns_with_non_default_covariances(cigar, w46, re_dense):
    from aicoord.panel import hausman

    d = cigar[cigar["year"] <= 67]
    spec = dict(y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sar", effects="individual")
    re, _ = re_dense
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the default covariances: no warning
        plain = hausman(SpatialPanel(d, **spec).fit(), re)
    assert "not valid" not in (plain.note or "")
    robust = SpatialPanel(d, **spec).fit(cov_type="robust")
    with pytest.warns(RuntimeWarning, match=r"non-default covariances \(FE robust\)"):
        h = hausman(robust, re)
    assert "not valid with non-default covariances (FE robust)" in h.note
    with pytest.raises(InputError, match="not available for random effects"):  # issue 23: refused for RE
        re.model.fit(cov_type="robust")


def test_random_effects_sem_away_from_the_bounds_issues_no_warning(w46):
    """A simulated RE SEM whose unit variance is small but not zero (sigma2_mu / sigma2 = 0.09, inside (0, 1)):
    an interior estimate, no zero-variance warning."""
    import pandas as pd

    wr = w46 / w46.sum(axis=1, keepdims=True)
    rng = np.random.default_rng(12)
    mu = 0.3 * rng.normal(size=46)
    rows = []
    for p in range(6):
        x = rng.normal(size=46)
        y = 1 + 2 * x + mu + np.linalg.solve(np.eye(46) - 0.4 * wr, rng.normal(size=46))
        rows += [dict(id=i, t=p, y=y[i], x=x[i]) for i in range(46)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = SpatialPanel(
            pd.DataFrame(rows), y="y", x=["x"], id="id", time="t", w=w46, model="sem", effects="random"
        ).fit()
    assert 1e-3 < res.phi < 1


def test_random_effects_sem_standard_errors_equal_dense_hessian(re_sem):
    """RE SEM on 5 years: the standard errors of (b, lambda) and of sigma2 equal those of the inverse numerical
    Hessian of the dense Gaussian log-likelihood y ~ N(X b, s2_mu (J_T x I_N) + s2 (I_T x (B'B)^-1)) in
    (b, lambda, s2_mu, s2) (the package differentiates its own transformed likelihood, in phi)."""
    res, y, x, wr = re_sem
    ll = _dense_re_sem_ll(y, x, wr, 46, 5)
    p = np.r_[res.params[["const", "logp", "logy"]].to_numpy(), res.lam, res.sigma2_mu, res.sigma2]
    assert_allclose(ll(p), res.loglik, rtol=0, atol=1e-8)
    se = np.sqrt(np.diag(np.linalg.inv(-_hessian(ll, p))))
    assert_allclose(res.std_errors[["const", "logp", "logy", "lambda"]].to_numpy(), se[:4], rtol=2e-3)
    assert_allclose(res.sigma2_se, se[-1], rtol=2e-3)


def test_random_effects_sar_variance_at_zero_warns_and_is_the_pooled_sar(w46):
    """The phi = 1 bound of the RE SAR: with each unit's errors shrunk towards their mean it warns and gives the
    pooled SAR's estimates. Before the fix the unbounded Nelder-Mead polish left the bound (log phi = 68, a
    negative unit variance) and the fit failed with "did not converge"."""
    re, pooled = _re_and_pooled_on_the_bound(w46, "sar", shrink=0.9)
    assert_allclose(
        re.params[["const", "x", "rho"]].to_numpy(), pooled.params[["const", "x", "rho"]].to_numpy(), rtol=0, atol=1e-4
    )


def test_random_effects_sem_reports_lambda_not_rho(re_sem):
    res = re_sem[0]
    assert res.rho == 0.0 and res.lam == res.params["lambda"] and "rho" not in res.params.index


def test_random_effects_results_have_no_fixed_effects_and_need_one_w(re_sar, cigar, w46, w46_less_one_border):
    """A random-effects fit recovers no fixed effects; the RE SEM refuses a weights matrix per period."""
    res = re_sar[0]
    assert res.fixed_effects == {}
    d = cigar[cigar["year"] <= 67]
    by = {y: (w46 if y < 65 else w46_less_one_border) for y in sorted(d["year"].unique())}  # from 1965
    with pytest.raises(InputError) as exc:
        SpatialPanel(
            d, y="logc", x=["logp", "logy"], id="state", time="year", w=by, model="sem", effects="random"
        ).fit()
    assert str(exc.value) == "the random-effects SEM needs one weights matrix for all periods"


def test_random_effects_sem_polishes_only_when_asked_or_needed(cigar, w46, spy):
    """The RE SEM's search (one Cholesky factorisation per evaluation) is L-BFGS-B from three starts; the
    Nelder-Mead polish runs only when L-BFGS-B fails or a tolerance is given."""
    from scipy import optimize as scipy_optimize

    calls = spy(scipy_optimize, "minimize")
    d = cigar[cigar["year"] <= 67]
    mod = SpatialPanel(d, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sem", effects="random")
    mod.fit()
    assert [c["method"] for c in calls] == ["L-BFGS-B"] * 3
    mod.fit(tol=1e-9)
    assert [c["method"] for c in calls[3:]] == ["L-BFGS-B"] * 3 + ["Nelder-Mead"]


def test_random_effects_sem_with_its_own_error_matrix_maximises_the_dense_likelihood(cigar, w46, w46_less_one_border):
    """RE SEM whose error process has its own matrix (Cigar's contiguity less one border): the log-likelihood
    is the dense Gaussian one with B = I - lambda W_e, and the estimates are its maximum (numerical gradient,
    as a Newton step, below 1e-4 of the standard errors)."""
    d = cigar[cigar["year"] <= 67]
    other = w46_less_one_border
    res = SpatialPanel(
        d, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, w_error=other, model="sem", effects="random"
    ).fit()
    ds = d.sort_values(["year", "state"])
    x = np.column_stack([np.ones(len(ds)), ds[["logp", "logy"]].to_numpy()])
    y = ds["logc"].to_numpy()
    ll = _dense_re_sem_ll(y, x, other / other.sum(axis=1, keepdims=True), 46, 5)
    p = np.r_[res.params[["const", "logp", "logy"]].to_numpy(), res.lam, res.sigma2_mu, res.sigma2]
    assert_allclose(ll(p), res.loglik, rtol=0, atol=1e-8)
    h = _hessian(ll, p)
    steps = np.diag(1e-6 * np.maximum(np.abs(p), 1e-3))
    g = np.array([(ll(p + e) - ll(p - e)) / (2 * e[k]) for k, e in enumerate(steps)])
    step = np.linalg.solve(-h, g)
    assert np.all(np.abs(step) < 1e-4 * np.sqrt(np.diag(np.linalg.inv(-h))))
