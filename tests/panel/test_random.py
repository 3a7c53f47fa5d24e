"""Random-effects SAR and SEM: the reported log-likelihood is the maximum of the dense
multivariate-normal log-density of the stacked model."""

import numpy as np
from numpy.testing import assert_allclose
from scipy import stats

from aicoord.panel import SpatialPanel


def _random_effects_five_years(cigar, w46, model):
    """RE fit on 1963-67 and the stacked (time-major) y, [1, X] and row-standardised W."""
    d = cigar[cigar["year"] <= 67]
    res = SpatialPanel(d, y="logc", x=["logp", "logy"], id="state", time="year", w=w46,
                       model=model, effects="random").fit()
    ds = d.sort_values(["year", "state"])
    x = np.column_stack([np.ones(len(ds)), ds[["logp", "logy"]].to_numpy()])
    return res, ds["logc"].to_numpy(), x, w46 / w46.sum(axis=1, keepdims=True)


def test_random_effects_loglik_is_dense_gaussian_max(cigar, w46):
    """RE SAR on 5 years: the reported log-likelihood equals the dense Gaussian log-density of
    y ~ N(A^-1 X b, A^-1 Omega A^-T), Omega = s2_mu (J_T x I_N) + s2 I, at the estimates, and
    perturbing rho or phi lowers it (a maximum)."""
    res, y, x, wr = _random_effects_five_years(cigar, w46, "sar")
    n, t = 46, 5

    def dense_ll(rho, s2mu, s2, b):
        a = np.eye(n * t) - rho * np.kron(np.eye(t), wr)
        omega = s2mu * np.kron(np.ones((t, t)), np.eye(n)) + s2 * np.eye(n * t)
        # density of y: |A| times the density of A y
        return (stats.multivariate_normal(x @ b, omega).logpdf(a @ y)
                + np.linalg.slogdet(a)[1])

    b = res.params[["const", "logp", "logy"]].to_numpy()
    ll0 = dense_ll(res.rho, res.sigma2_mu, res.sigma2, b)
    assert_allclose(res.loglik, ll0, rtol=0, atol=1e-8)
    assert dense_ll(res.rho + 1e-3, res.sigma2_mu, res.sigma2, b) < ll0
    assert dense_ll(res.rho, res.sigma2_mu * 1.05, res.sigma2, b) < ll0
    assert dense_ll(res.rho, res.sigma2_mu / 1.05, res.sigma2, b) < ll0


def test_random_effects_sem_loglik_is_dense_gaussian_max(cigar, w46):
    """RE SEM on 5 years: the reported log-likelihood equals the dense Gaussian log-density of
    y ~ N(X b, s2_mu (J_T x I_N) + s2 (I_T x (B'B)^-1)), B = I - lambda W, at the estimates,
    and perturbing lambda or s2_mu lowers it."""
    res, y, x, wr = _random_effects_five_years(cigar, w46, "sem")
    n, t = 46, 5

    def dense_ll(lam, s2mu, s2, b):
        bm = np.eye(n) - lam * wr
        omega = (s2mu * np.kron(np.ones((t, t)), np.eye(n))
                 + s2 * np.kron(np.eye(t), np.linalg.inv(bm.T @ bm)))
        return stats.multivariate_normal(x @ b, omega).logpdf(y)

    b = res.params[["const", "logp", "logy"]].to_numpy()
    ll0 = dense_ll(res.lam, res.sigma2_mu, res.sigma2, b)
    assert_allclose(res.loglik, ll0, rtol=0, atol=1e-8)
    assert dense_ll(res.lam + 1e-3, res.sigma2_mu, res.sigma2, b) < ll0
    assert dense_ll(res.lam - 1e-3, res.sigma2_mu, res.sigma2, b) < ll0
    assert dense_ll(res.lam, res.sigma2_mu * 1.05, res.sigma2, b) < ll0
    assert dense_ll(res.lam, res.sigma2_mu / 1.05, res.sigma2, b) < ll0
