"""First-stage and specification diagnostics of the spatial IV fits of :mod:`aicoord.panel.iv`.

Everything is computed on the demeaned design after partialling out the included exogenous regressors
(``~`` below): endogenous ``Y~`` (n x K), excluded instruments ``Z~`` (n x L), first-stage coefficients
``Pi = (Z~'Z~)^{-1} Z~'Y~``, first-stage residuals ``V``.  ``df = n - k1 - L - f`` is the first stage's
residual degrees of freedom (``k1`` included exogenous regressors, ``f`` absorbed fixed effects).  The
covariance of ``vec(Pi)`` follows the fit's ``cov_type`` with the factors of :mod:`aicoord.panel.iv`:
``Sigma_VV (x) (Z~'Z~)^{-1}``, ``Sigma_VV = V'V/df`` (homoskedastic), or the sandwich with scores
``v_i (x) z_i`` (summed by cluster) times ``n/df`` (robust) or ``G/(G-1) (n-1)/(n-k1-L)`` (cluster).

Per endogenous regressor ``j`` (``W*y`` included):

* ``partial_r2``: ``1 - ||M_Z~ Y~_j||^2 / ||Y~_j||^2``;
* ``f``: the Wald statistic of ``Pi_j = 0`` divided by ``L`` (the textbook first-stage F when
  homoskedastic);
* ``sw_f``: Sanderson and Windmeijer (2016): ``Y~_j`` minus its 2SLS fit on the other endogenous regressors
  (instruments ``Z~``), regressed on ``Z~``; Wald statistic of the coefficients / ``(L - K + 1)``.

Jointly (``joint``): the Kleibergen and Paap (2006) rk statistics of ``rank(Pi) = K - 1``, from the SVD of
``Theta = G Pi F'`` (``G'G = Z~'Z~/n``, ``F'F = (Y~'Y~/n)^{-1}``): ``kp_rk_wald_f`` (the Wald form with the
covariance above, divided by ``L``; the Cragg-Donald F when homoskedastic) and ``kp_lm`` (the LM form,
covariance from the residuals of the reduced-rank estimate, no small-sample factor; chi-squared with
``L - K + 1`` degrees of freedom: underidentification).  ``hansen_j`` when overidentified: the J statistic
of efficient two-step GMM with the fit's weighting (Sargan's ``n R^2`` when homoskedastic).

Per declared endogenous regressor (``endogeneity`` and ``anderson_rubin``):

* the C (difference-in-Sargan/Hansen) test that the regressor and its ``W*`` lag are exogenous
  (``linearmodels`` ``IVGMMResults.c_stat``: both J statistics with the covariance of the larger set);
* the Anderson and Rubin (1949) confidence set of its coefficient: ``AR(b0) = kappa(b0) df/(L - m)``,
  ``kappa(b0)`` the smallest eigenvalue of ``(A'M A)^{-1} A'P A`` with ``A = [y~ - b0 x~, Y~_other]``,
  ``P``/``M`` the projections on ``Z~`` and its complement and ``m`` the other endogenous regressors
  (``W*y``, the ``W*`` lags): the subset AR statistic of Guggenberger, Kleibergen, Mavroeidis and Chen
  (2012), which minimises over the other coefficients (LIML) and is the textbook AR F when ``m = 0``.
  The set ``{b0 : AR(b0) <= F_{1-a}(L - m, df)}`` is found on a grid of ``+-50`` standard errors refined
  by root-finding; it is homoskedastic (as in the cited paper).

References
----------
Anderson, T.W. and Rubin, H. (1949). Annals of Mathematical Statistics 20, 46-63.  Kleibergen, F. and
Paap, R. (2006). Generalized reduced rank tests using the singular value decomposition. Journal of
Econometrics 133, 97-126.  Sanderson, E. and Windmeijer, F. (2016). A weak instrument F-test in linear IV
models with multiple endogenous variables. Journal of Econometrics 190, 212-221.  Guggenberger, P.,
Kleibergen, F., Mavroeidis, S. and Chen, L. (2012). On the asymptotic sizes of subset Anderson-Rubin and
Lagrange multiplier tests in linear instrumental variables regression. Econometrica 80, 2649-2666.
Hansen, L.P. (1982). Econometrica 50, 1029-1054.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import linalg, optimize, stats

__all__ = ["first_stage", "partial_out", "pi_cov", "kp_rank", "anderson_rubin", "lm_fit"]


def partial_out(a, x):
    """Residuals of the columns of ``a`` on ``x`` (``a`` itself when ``x`` has no columns)."""
    if x.shape[1] == 0:
        return a
    return a - x @ np.linalg.lstsq(x, a, rcond=None)[0]


def _meat(scores, cov_type, clusters):
    if cov_type == "cluster":
        _, inv = np.unique(np.asarray(clusters), return_inverse=True)
        summed = np.zeros((inv.max() + 1, scores.shape[1]))
        np.add.at(summed, inv, scores)
        return summed.T @ summed
    return scores.T @ scores


def _factor(cov_type, n, k, fe, clusters):
    if cov_type == "cluster":
        g = len(np.unique(np.asarray(clusters)))
        return g / (g - 1) * (n - 1) / (n - k)
    return n / (n - k - fe)


def pi_cov(z, v, cov_type, clusters, k1, fe, factor=True):
    """Covariance of ``vec(Pi)`` (column-stacked, L per endogenous regressor) of the regression of the
    columns of ``Y~`` on ``Z~`` with residuals ``v`` (module docstring)."""
    n, L = z.shape
    K = v.shape[1]
    zzi = np.linalg.inv(z.T @ z)
    if cov_type == "homoskedastic":
        sig = v.T @ v / ((n - k1 - L - fe) if factor else n)
        return np.kron(sig, zzi)
    scores = np.einsum("ik,il->ikl", v, z).reshape(n, K * L)
    bread = np.kron(np.eye(K), zzi)
    out = bread @ _meat(scores, cov_type, clusters) @ bread
    return out * (_factor(cov_type, n, k1 + L, fe, clusters) if factor else 1.0)


def _wald(b, v):
    """``b' v^{-1} b``; a generalised inverse when ``v`` is singular (fewer clusters than moments)."""
    try:
        return float(b @ np.linalg.solve(v, b))
    except np.linalg.LinAlgError:
        return float(b @ np.linalg.pinv(v) @ b)


def kp_rank(y, z, cov_type, clusters, k1, fe):
    """Kleibergen-Paap rk Wald and LM statistics of ``rank(Pi) = K - 1`` (module docstring).

    Returns ``(wald, lm, df)``."""
    n, L = z.shape
    K = y.shape[1]
    pi = np.linalg.solve(z.T @ z, z.T @ y)
    G = linalg.cholesky(z.T @ z / n)  # upper: G'G = Z'Z/n
    F = linalg.cholesky(np.linalg.inv(y.T @ y / n))  # upper: F'F = (Y'Y/n)^{-1}
    theta = G @ pi @ F.T
    u, s, vt = np.linalg.svd(theta)
    q = K - 1
    uperp, vperp = u[:, q:], vt.T[:, q:]
    lam = (uperp.T @ theta @ vperp).ravel(order="F")
    kron = np.kron(vperp.T, uperp.T)
    fg = np.kron(F, G)

    def stat(vpi):
        om = kron @ fg @ vpi @ fg.T @ kron.T
        return _wald(lam, om)

    wald = stat(pi_cov(z, y - z @ pi, cov_type, clusters, k1, fe))
    theta_q = u[:, :q] @ np.diag(s[:q]) @ vt[:q] if q else np.zeros_like(theta)
    pi_q = np.linalg.solve(G, theta_q) @ np.linalg.inv(F.T)
    lm = stat(pi_cov(z, y - z @ pi_q, cov_type, clusters, k1, fe, factor=False))
    return wald, lm, L - K + 1


def _sw_f(y, z, j, cov_type, clusters, k1, fe):
    """Sanderson-Windmeijer conditional F of endogenous column ``j``."""
    n, L = z.shape
    K = y.shape[1]
    yj = y[:, j]
    if K > 1:
        others = np.delete(y, j, axis=1)
        pz_o = z @ np.linalg.lstsq(z, others, rcond=None)[0]
        delta = np.linalg.lstsq(pz_o, yj, rcond=None)[0]
        yj = yj - others @ delta
    b = np.linalg.solve(z.T @ z, z.T @ yj)
    v = pi_cov(z, (yj - z @ b)[:, None], cov_type, clusters, k1, fe)
    return _wald(b, v) / (L - K + 1)


def _ar_stat(gp, gm, b0, df, L, m):
    """Subset AR statistic (F form) at ``b0`` from the cross-products ``gp = B'P B`` and ``gm = B'M B`` of
    ``B = [y~, x~, Y~_other]``: ``A = B T`` with ``T`` mapping ``B`` to ``[y~ - b0 x~, Y~_other]``."""
    tm = np.zeros((2 + m, 1 + m))
    tm[0, 0], tm[1, 0] = 1.0, -b0
    tm[2:, 1:] = np.eye(m)
    kappa = float(np.min(linalg.eigh(tm.T @ gp @ tm, tm.T @ gm @ tm, eigvals_only=True)))
    return kappa * df / (L - m)


def anderson_rubin(y, x, others, z, df, level=0.95, center=0.0, scale=1.0):
    """Anderson-Rubin confidence set of the coefficient of ``x`` (partialled arrays; module docstring).

    Returns
    -------
    dict
        ``lower``, ``upper`` (NaN when unbounded on that side), ``bounded`` (bool), ``pieces`` (number of
        disjoint intervals within the grid), ``level``, ``df1``, ``df2``, ``critical`` and ``statistic_at_0``.
    """
    L = z.shape[1]
    m = others.shape[1]
    crit = float(stats.f.ppf(level, L - m, df))
    b = np.column_stack([y, x, others])
    pb = z @ np.linalg.lstsq(z, b, rcond=None)[0]
    gp = b.T @ pb
    gm = b.T @ b - gp

    def f(b0):
        return _ar_stat(gp, gm, b0, df, L, m) - crit

    width = 50 * max(scale, 1e-12)
    grid = np.linspace(center - width, center + width, 1001)
    vals = np.array([f(b) for b in grid])
    acc = vals <= 0
    out = {"level": level, "df1": int(L - m), "df2": int(df), "critical": crit, "statistic_at_0": f(0.0) + crit}
    if not acc.any():
        return {**out, "lower": np.nan, "upper": np.nan, "bounded": True, "pieces": 0, "empty": True}
    roots = [optimize.brentq(f, grid[i], grid[i + 1], xtol=1e-12) for i in range(len(grid) - 1) if acc[i] != acc[i + 1]]
    lo = np.nan if acc[0] else roots[0]
    hi = np.nan if acc[-1] else roots[-1]
    pieces = int(np.sum(np.diff(acc.astype(int)) == 1) + acc[0])
    return {
        **out,
        "lower": float(lo),
        "upper": float(hi),
        "bounded": bool(not acc[0] and not acc[-1]),
        "pieces": pieces,
        "empty": False,
    }


def _test(stat, df):
    return {"statistic": float(stat), "df": int(df), "p": float(stats.chi2.sf(stat, df))}


def lm_fit(d, estimator, cov_type, clusters):
    """The linearmodels fit of the demeaned design (``debiased=False``; the factor is applied after)."""
    from linearmodels.iv import IV2SLS, IVGMM

    exog = pd.DataFrame(d.exog, columns=d.exog_names) if d.exog.shape[1] else None
    endog = pd.DataFrame(d.endog, columns=d.endog_names)
    inst = pd.DataFrame(d.excluded, columns=d.excluded_names)
    y = pd.Series(d.y, name="y")
    lm_cov = {"homoskedastic": "unadjusted", "robust": "robust", "cluster": "clustered"}[cov_type]
    kw = {"clusters": pd.Series(clusters)} if cov_type == "cluster" else {}
    if estimator == "gmm":
        wkw = {"weight_type": lm_cov, **kw}
        model = IVGMM(y, exog, endog, inst, **wkw)
        return model.fit(cov_type=lm_cov, debiased=False, **kw)
    return IV2SLS(y, exog, endog, inst).fit(cov_type=lm_cov, debiased=False, **kw)


def first_stage(d, params, cov_type, clusters, estimator="2sls", ar_level=0.95):
    """The ``first_stage`` entry of a spatial IV fit (module docstring).

    Parameters
    ----------
    d : aicoord.panel.iv.IVDesign
    params : pandas.Series
        Second-stage estimates named as ``d.exog_names + d.endog_names``.
    cov_type, clusters
        As in :func:`aicoord.panel.iv.fit_iv`.

    Returns
    -------
    dict
        ``{"regressors": {name: {partial_r2, f, sw_f}}, "joint": {...}, "endogeneity": {...},
        "anderson_rubin": {...}, "instruments": [...], "n_excluded": L, "n_endogenous": K}``.
    """
    x1 = d.exog
    yt = partial_out(d.endog, x1)
    zt = partial_out(d.excluded, x1)
    yy = partial_out(d.y[:, None], x1)[:, 0]
    n, L = zt.shape
    K = yt.shape[1]
    k1 = x1.shape[1]
    df = n - k1 - L - d.fe
    pz = zt @ np.linalg.lstsq(zt, yt, rcond=None)[0]
    regs = {}
    for j, nm in enumerate(d.endog_names):
        rss_u = float(((yt[:, j] - pz[:, j]) ** 2).sum())
        b = np.linalg.solve(zt.T @ zt, zt.T @ yt[:, j])
        v = pi_cov(zt, (yt[:, j] - pz[:, j])[:, None], cov_type, clusters, k1, d.fe)
        regs[nm] = {
            "partial_r2": 1 - rss_u / float(yt[:, j] @ yt[:, j]),
            "f": _wald(b, v) / L,
            "f_df": [int(L), int(df)],
            "sw_f": _sw_f(yt, zt, j, cov_type, clusters, k1, d.fe),
            "sw_df": [int(L - K + 1), int(df)],
        }
    wald, lm, rdf = kp_rank(yt, zt, cov_type, clusters, k1, d.fe)
    joint = {"kp_rk_wald_f": wald / L, "kp_lm": _test(lm, rdf), "cov_type": cov_type}
    gmm, gmm_error = None, ""
    try:
        gmm = lm_fit(d, "gmm", cov_type, clusters)
    except ValueError as exc:  # linearmodels: singular moment covariance (fewer clusters than moments)
        gmm_error = f"not computed: {exc}"
    if L > K:
        joint["hansen_j"] = (
            _test(float(gmm.j_stat.stat), L - K)
            if gmm is not None
            else {"statistic": np.nan, "df": int(L - K), "p": np.nan, "note": gmm_error}
        )
    endo, ar = {}, {}
    for v in d.declared:
        tested = [c for c in d.endog_names if c == v or c == f"W*{v}"]
        try:
            if gmm is None:
                raise ValueError(gmm_error[len("not computed: ") :])
            c = gmm.c_stat(tested)
            endo[v] = {
                **_test(float(c.stat), int(c.df)),
                "tested": tested,
                "null": "the tested regressors are exogenous",
            }
        except Exception as exc:  # linearmodels: singular moment covariance (too few clusters)
            endo[v] = {
                "statistic": np.nan,
                "df": len(tested),
                "p": np.nan,
                "tested": tested,
                "note": f"not computed: {exc}",
            }
        j = d.endog_names.index(v)
        others = np.delete(yt, j, axis=1)
        ar[v] = anderson_rubin(
            yy, yt[:, j], others, zt, df, ar_level, center=float(params[v]), scale=_ar_scale(yy, yt, zt, j, df)
        )
        if ar[v]["df1"] < 1:
            ar[v]["note"] = "not identified"
    notes = []
    if cov_type == "cluster" and len(np.unique(np.asarray(clusters))) <= k1 + L:
        notes.append(
            f"{len(np.unique(np.asarray(clusters)))} clusters for {k1 + L} moment conditions: the "
            "cluster-robust covariances are singular and the Wald, KP and J statistics use a "
            "generalised inverse; treat them with caution"
        )
    return {
        "regressors": regs,
        "joint": joint,
        "endogeneity": endo,
        "anderson_rubin": ar,
        "instruments": list(d.excluded_names),
        "n_excluded": int(L),
        "n_endogenous": int(K),
        "estimator": estimator,
        "notes": notes,
    }


def _ar_scale(yy, yt, zt, j, df):
    """Homoskedastic 2SLS standard error of endogenous ``j`` (sets the width of the AR grid)."""
    pz = zt @ np.linalg.lstsq(zt, yt, rcond=None)[0]
    b = np.linalg.lstsq(pz, yy, rcond=None)[0]
    e = yy - yt @ b
    cov = (e @ e / df) * np.linalg.inv(pz.T @ pz)
    return float(np.sqrt(cov[j, j]))
