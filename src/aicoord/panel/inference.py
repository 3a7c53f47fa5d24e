"""Covariance options of the spatial panel fits: ``oim``, ``opg``, ``robust``, ``cluster`` and
``driscoll-kraay``.

Every option but ``oim`` is a sandwich ``A Omega A`` (``opg``: ``Omega^{-1}``) around the analytic
observed Hessian ``H`` of the full (not concentrated) log-likelihood of the within-transformed model in
``theta = (beta, [rho], [lambda], sigma2)``, ``A = (-H)^{-1}``, evaluated at the ML estimate.  ``oim`` is
unchanged: the analytic (expected) information matrix of the fit (or the numerical Hessian where the fit
uses one).  ``sigma2`` is in ``theta``; its standard error is reported as ``sigma2_se``.

The scores are linear-quadratic forms
------------------------------------
With ``e`` the demeaned residuals, the score of a regression coefficient is ``z_k' e / sigma2`` (linear),
but the score of ``rho`` is ``(Q W y)' e / sigma2 - d log|.|/d rho`` and the stochastic part of
``Q W y`` is ``M e`` with ``M = W A^{-1}`` (``A = I - rho W``) in every period: the score is
``d' e / sigma2 + (e' M e - sigma2 tr M) / sigma2`` plus a constant, a linear-quadratic form (Lee 2004;
Lee and Yu 2010).  Its per-observation pieces ``e_i (M e)_i`` are correlated across neighbours, so the
outer product of per-observation scores (the "observations are independent" sandwich of Stata's ``ml``
and ``xsmle``, used here until issue 23) misses most of its variance: in a seeded Monte Carlo its
intervals covered rho in 83-85% of samples instead of 95%.

Martingale differences (OPMD)
-----------------------------
Order the observations; for a quadratic form ``e' M e - sigma2 tr M`` with ``M^s = (M + M')/2`` the pieces

``g_i = e_i (2 sum_{j<i} M^s_ij e_j + M_ii e_i) - sigma2 M_ii``

are martingale differences when the ``e_i`` are independent (the central limit theorem for
linear-quadratic forms of Kelejian and Prucha 2001), and the linear part adds ``d_i e_i``.  The outer
product of these pieces estimates the variance of the score (the "OPMD" of Liu and Yang 2015 and
Yang 2018, there for the cross-section SAR; Baltagi and Yang 2013 for the LM tests).  Here, per
parameter and (transformed) observation ``i`` of period ``t``:

======================  ==========================================================================
``beta_k``              ``z_ik e_i / sigma2``
``rho``, ``lambda``     ``(d_i e_i + e_i (2 sum_{j<i} M^s_ij e_j + M_ii e_i) - sigma2 M_ii) / sigma2``,
                        ``d = -de/dtheta - M e`` (the part of the derivative that is not stochastic)
``sigma2``              ``(e_i (2 sum_{j<i} P_ij e_j + P_ii e_i) - sigma2 P_ii) / (2 sigma2^2)``
======================  ==========================================================================

with ``M = W A^{-1}`` for ``rho`` (SAR, SDM), ``M = W_e B^{-1}`` for ``lambda`` (SEM, SDEM, SAC,
``B = I - lambda W_e``), ``M = B W A^{-1} B^{-1}`` for ``rho`` of the SAC, and ``P = I``.

Fixed effects (derived here; no published formula for the panel case was found)
------------------------------------------------------------------------------
The demeaned residuals ``e = Q eps`` are correlated within units (the time demeaning) and within
periods (the period demeaning), so they are not the independent innovations the decomposition needs.

* Individual and two-way effects: the residuals are first mapped, unit by unit, to ``T' = T - 1``
  orthonormal deviations ``u = (F' kron I_N) e`` with ``F`` the forward orthogonal deviations
  (Arellano and Bover 1995; an orthonormal ``F_{T,T-1}`` of Lee and Yu 2010, :func:`helmert`).  ``F'F = I``
  and ``F'1 = 0``, so ``u`` is i.i.d. when ``eps`` is, each ``u_{t,i}`` still belongs to unit ``i``
  (clusters of units stay clusters), and because the same ``W`` acts in every period,
  ``(F' kron I) (I_T kron M) = (I_{T'} kron M) (F' kron I)``: the quadratic form of the score is
  ``sum_{t'} u_t' M u_t``, block-diagonal in the transformed periods.  This is the Lee-Yu
  transformation approach; with ``lee_yu=False`` the same decomposition is used (the score's constant
  then differs by the incidental-parameter bias, which does not enter the pieces).
* Time and two-way effects: the period demeaning ``Q_N = I - 11'/N`` remains; with a row-standardised
  ``W`` (``M 1 = 1/(1-rho) 1``) the quadratic form is ``u_t' (Q_N M Q_N) u_t``, so ``M`` is replaced by
  ``Q_N M Q_N`` and ``P`` by ``Q_N``, and ``u_t`` by the demeaned ``Q_N u_t`` (which differs from the
  innovations by their period mean, ``O(N^{-1/2})``).  This equals the Lee-Yu transformation with
  ``F_{N,N-1}`` in the quadratic form while keeping units as units.
* A weights matrix per period with individual or two-way effects breaks the commutation; ``opg``,
  ``robust`` and ``cluster`` are then refused (``driscoll-kraay`` is not affected).  Random effects (a GLS
  transformation mixing a unit's periods) refuse every score-based option.

This construction was checked by simulation (``benchmarks/coverage_panel.py``; table in docs/validation/coverage.md) and the
pieces against a dense computation in ``tests/panel/test_inference.py``.

Formulas (``A = (-H)^{-1}``, ``g_i`` the pieces above, ``n`` their number):

========================  ====================================================================
``opg``                   ``(sum_i g_i g_i')^{-1}``
``robust``                ``n/(n-1) A (sum_i g_i g_i') A``
``cluster``               ``G/(G-1) A (sum_g S_g S_g') A``, ``S_g`` the sum of the pieces of cluster
                          ``g`` (by unit by default).  The units of each period are ordered by
                          cluster before the decomposition, so that ``S_g`` is the martingale
                          difference of cluster ``g`` (the whole within-cluster quadratic form
                          ``e_g' M_gg e_g`` plus the cross terms with earlier clusters); with
                          individual or two-way effects the clusters must be groups of units.
                          ``G/(G-1)``: Cameron and Miller (2015, sec. VI.C).
``driscoll-kraay``        ``A (Gamma_0 + sum_{l=1..L} (1 - l/(L+1)) (Gamma_l + Gamma_l')) A``,
                          ``Gamma_l = sum_{t>l} S_t S_{t-l}'`` with ``S_t`` the score of period
                          ``t``: the period's own linear-quadratic form ``e_t' (d_t + M e_t) /
                          sigma2`` minus its share of the log-Jacobian's derivative (the sum of
                          the per-observation scores of the period; a martingale-difference
                          decomposition inside the period sums to the same ``S_t``, so no reordering
                          is needed).  Driscoll and Kraay (1998), Bartlett kernel, default
                          ``L = floor(4 (T/100)^(2/9))`` (Hoechle 2007); no small-sample factor.
========================  ====================================================================

Few clusters: fewer than :data:`WARN_CLUSTERS` (30) give a warning naming the count, fewer than
:data:`MIN_CLUSTERS` (10) are refused unless the wild cluster bootstrap is asked for
(:func:`wild_cluster_bootstrap`; Cameron, Gelbach and Miller 2008; MacKinnon and Webb 2017), whose p-values and
95% intervals then replace the normal ones (the covariance itself is unchanged).

Per-observation scores (``driscoll-kraay``): the log-Jacobian ``log|I - rho W_t|`` of period ``t`` is
spread equally over its ``N`` observations (with the Lee-Yu scale ``(T-1)/T`` and, for time and two-way
effects, ``- T log(1 - rho)``); each observation gets ``-(n_eff/(N T))/2 log(2 pi sigma2) - e_i^2/(2
sigma2)``.  The score-based options need a balanced panel.

References
----------
Arellano, M. and Bover, O. (1995). Another look at the instrumental variable estimation of error-components
models. Journal of Econometrics 68, 29-51.
Baltagi, B.H. and Yang, Z. (2013). Heteroskedasticity and non-normality robust LM tests for spatial dependence.
Regional Science and Urban Economics 43, 725-739.
Cameron, A.C., Gelbach, J.B. and Miller, D.L. (2008). Bootstrap-based improvements for inference with clustered
errors. Review of Economics and Statistics 90(3), 414-427.
Cameron, A.C. and Miller, D.L. (2015). A practitioner's guide to cluster-robust inference. Journal of Human
Resources 50(2), 317-372.
Driscoll, J.C. and Kraay, A.C. (1998). Consistent covariance matrix estimation with spatially dependent panel
data. Review of Economics and Statistics 80(4), 549-560.
Hoechle, D. (2007). Robust standard errors for panel regressions with cross-sectional dependence. Stata Journal
7(3), 281-312.
Kelejian, H.H. and Prucha, I.R. (2001). On the asymptotic distribution of the Moran I test statistic with
applications. Journal of Econometrics 104, 219-257.
Kline, P. and Santos, A. (2012). A score based approach to wild bootstrap inference. Journal of Econometric
Methods 1(1), 23-41.
Lee, L.-F. (2004). Asymptotic distributions of quasi-maximum likelihood estimators for spatial autoregressive
models. Econometrica 72, 1899-1925.
Lee, L.-F. and Yu, J. (2010). Estimation of spatial autoregressive panel data models with fixed effects. Journal
of Econometrics 154, 165-185.
Liu, S.F. and Yang, Z. (2015). Modified QML estimation of spatial autoregressive models with unknown
heteroskedasticity and nonnormality. Regional Science and Urban Economics 52, 50-70.
MacKinnon, J.G. and Webb, M.D. (2017). Wild bootstrap inference for wildly different cluster sizes. Journal of
Applied Econometrics 32(2), 233-254.
Webb, M.D. (2023). Reworking wild bootstrap-based inference for clustered errors. Canadian Journal of Economics
56(3), 839-858.
Yang, Z. (2018). Unified M-estimation of fixed-effects spatial dynamic models with short panels. Journal of
Econometrics 205, 423-447.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import InputError
from ._numeric import inverse
from .scores import fe_parts, fe_scores, helmert, md_pieces, quadratic_matrices, scores_and_hessian

__all__ = [
    "COV_TYPES",
    "scores_and_hessian",
    "md_pieces",
    "quadratic_matrices",
    "helmert",
    "sandwich",
    "apply_cov_type",
    "dk_default_lag",
]

COV_TYPES = ("oim", "opg", "robust", "cluster", "driscoll-kraay")
#: fewer clusters than this are refused without the wild cluster bootstrap
MIN_CLUSTERS = 10
#: fewer clusters than this give a warning without the wild cluster bootstrap
WARN_CLUSTERS = 30
BOOT_WEIGHTS = ("webb", "rademacher")


def dk_default_lag(t):
    """``floor(4 (T/100)^(2/9))``, the default Driscoll-Kraay lag of Hoechle (2007)."""
    return int(np.floor(4 * (t / 100.0) ** (2.0 / 9.0)))


def sandwich(scores, hessian, cov_type, groups=None, periods=None, lag=None):
    """Covariance of ``theta`` from the scores and the Hessian (formulas in the module notes).

    Parameters
    ----------
    scores : numpy.ndarray
        ``(n, q)`` martingale-difference pieces (``opg``, ``robust``, ``cluster``) or per-observation
        scores (``driscoll-kraay``).
    hessian : numpy.ndarray
        ``(q, q)`` observed Hessian of the log-likelihood.
    cov_type : {"opg", "robust", "cluster", "driscoll-kraay"}
    groups : array-like, optional
        Cluster label of each observation (``cluster``).
    periods : array-like of int, optional
        Period index ``0..T-1`` of each observation (``driscoll-kraay``).
    lag : int, optional
        Bartlett lag length ``L`` (``driscoll-kraay``).

    Returns
    -------
    cov : numpy.ndarray
    info : dict
        ``n_clusters`` or ``dk_lag`` where they apply, and ``factor``, the small-sample factor.
    """
    n = scores.shape[0]
    if cov_type == "opg":
        return inverse(scores.T @ scores), {"factor": 1.0}
    a = inverse(-hessian)
    if cov_type == "robust":
        f = n / (n - 1)
        return f * a @ (scores.T @ scores) @ a, {"factor": f}
    if cov_type == "cluster":
        codes, uniq = pd.factorize(pd.Series(groups), sort=True)
        g = len(uniq)
        if g < 2:
            raise InputError("clustered standard errors need at least two clusters")
        sg = np.zeros((g, scores.shape[1]))
        np.add.at(sg, codes, scores)
        f = g / (g - 1)
        return f * a @ (sg.T @ sg) @ a, {"factor": f, "n_clusters": int(g)}
    if cov_type == "driscoll-kraay":
        periods = np.asarray(periods, dtype=int)
        tt = int(periods.max()) + 1
        st = np.zeros((tt, scores.shape[1]))
        np.add.at(st, periods, scores)
        omega = st.T @ st
        for lg in range(1, int(lag) + 1):
            gam = st[lg:].T @ st[:-lg]
            omega += (1 - lg / (lag + 1)) * (gam + gam.T)
        return a @ omega @ a, {"factor": 1.0, "dk_lag": int(lag)}
    raise InputError(f"unknown cov_type '{cov_type}'", hint=f"choose one of {', '.join(COV_TYPES)}")


def check_options(cov_type, cluster, dk_lag, t):
    """Normalise and check ``cov_type``, ``cluster`` and ``dk_lag``; returns the three."""
    cov_type = str(cov_type).lower().replace("_", "-")
    cov_type = {"dk": "driscoll-kraay", "dkraay": "driscoll-kraay", "sandwich": "robust", "clustered": "cluster"}.get(
        cov_type, cov_type
    )
    if cov_type not in COV_TYPES:
        raise InputError(f"unknown cov_type '{cov_type}'", hint=f"choose one of {', '.join(COV_TYPES)}")
    if cluster is not None and cov_type != "cluster":
        raise InputError(
            "a cluster column is given but cov_type is not 'cluster'",
            hint="set cov_type='cluster' or drop the cluster column",
        )
    if dk_lag is not None:
        if cov_type != "driscoll-kraay":
            raise InputError(
                "a Driscoll-Kraay lag is given but cov_type is not 'driscoll-kraay'",
                hint="set cov_type='driscoll-kraay' or drop the lag",
            )
        if isinstance(dk_lag, bool) or not float(dk_lag).is_integer() or not 0 <= int(dk_lag) < t:
            raise InputError(f"the Driscoll-Kraay lag must be a whole number from 0 to T-1 = {t - 1}, not {dk_lag}")
        dk_lag = int(dk_lag)
    return cov_type, cluster, dk_lag


def describe(cov_type, cluster=None, dk_lag=None, n_clusters=None, what="unit"):
    """One phrase for a table note: what the standard errors in parentheses are."""
    if cov_type == "oim":
        return "standard errors from the information matrix"
    if cov_type == "opg":
        return "standard errors from the outer product of the scores (OPG)"
    if cov_type == "robust":
        return "heteroskedasticity-robust (sandwich) standard errors"
    if cov_type == "cluster":
        return f"cluster-robust standard errors by {cluster or what} ({n_clusters} clusters)"
    return f"Driscoll-Kraay standard errors (Bartlett kernel, lag {dk_lag})"


def check_bootstrap(bootstrap):
    """Normalise the ``bootstrap`` option: ``None``, a number of draws, or a dict with ``draws`` (at
    least 99), ``seed`` (default 1) and ``weights`` (``"webb"``, the default, or ``"rademacher"``)."""
    if bootstrap is None or bootstrap is False:
        return None
    b = {"draws": bootstrap} if not isinstance(bootstrap, dict) else dict(bootstrap)
    unknown = set(b) - {"draws", "seed", "weights"}
    if unknown:
        raise InputError(f"unknown bootstrap settings {sorted(unknown)}", hint="use draws, seed and weights")
    draws, seed = b.get("draws", 999), b.get("seed", 1)
    weights = str(b.get("weights", "webb")).lower()
    if isinstance(draws, bool) or not float(draws).is_integer() or int(draws) < 99:
        raise InputError(f"the wild cluster bootstrap needs a whole number of draws of at least 99, not {draws}")
    if isinstance(seed, bool) or not float(seed).is_integer():
        raise InputError(f"the bootstrap seed must be a whole number, not {seed}")
    if weights not in BOOT_WEIGHTS:
        raise InputError(f"unknown bootstrap weights '{weights}'", hint="choose webb or rademacher")
    return {"draws": int(draws), "seed": int(seed), "weights": weights}


def wild_cluster_bootstrap(sums, a, factor, params, draws, seed, weights="webb", alpha=0.05):
    """Wild cluster score bootstrap of the t-statistics (unrestricted).

    Parameters
    ----------
    sums : numpy.ndarray
        ``(G, q)`` cluster sums ``S_g`` of the martingale-difference pieces.
    a : numpy.ndarray
        ``(q, q)`` inverse negative Hessian ``A``.
    factor : float
        ``G/(G-1)``.
    params : numpy.ndarray
        ``(q,)`` estimates (``0`` is the null of each t-test).
    draws, seed : int
    weights : {"webb", "rademacher"}
        Webb's six-point weights ``+-sqrt(1/2), +-1, +-sqrt(3/2)`` (Webb 2023; MacKinnon and Webb 2017 for
        fewer than about 12 clusters, where Rademacher weights give only ``2^G`` distinct draws) or
        Rademacher ``+-1``.
    alpha : float

    Returns
    -------
    pvalues : numpy.ndarray
        Symmetric bootstrap p-values ``mean(|t*| >= |t|)``.
    crit : numpy.ndarray
        ``(1 - alpha)`` quantile of ``|t*|`` (the interval is ``estimate +- crit * se``).

    Notes
    -----
    Each draw perturbs the cluster scores, ``S*_b = sum_g v_bg S_g``, so ``theta*_b - theta = A S*_b``
    (the score bootstrap of Kline and Santos 2012 with Rademacher or Webb weights; Cameron, Gelbach and
    Miller 2008; MacKinnon and Webb 2017), and its t-statistic uses the cluster-robust variance of the
    perturbed scores, ``G/(G-1) A (sum_g v_bg^2 S_g S_g') A``.  It is the unrestricted variant (WCU): the
    restricted one (WCR) would refit the model under each null, which for the spatial ML fits means a
    constrained maximisation per coefficient and draw set; it is not implemented.

    Limitation (stated in every note that uses it): ``t*`` is a self-normalised sum of ``G`` terms, so by
    Cauchy-Schwarz ``|t*| <= sqrt(G - 1)`` (1.73 with 4 clusters).  With very few clusters the bootstrap
    critical value can therefore not exceed that bound, and a p-value of 0 means ``|t| > sqrt(G - 1)``,
    not overwhelming evidence; MacKinnon and Webb (2017) find the unrestricted wild bootstrap
    over-rejects with few clusters.  Read such results as indicative.
    """
    rng = np.random.default_rng(seed)
    g = sums.shape[0]
    if weights == "rademacher":
        v = rng.choice(np.array([-1.0, 1.0]), size=(draws, g))
    else:
        v = rng.choice(np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)]), size=(draws, g))
    c = sums @ a  # row g: A S_g (A symmetric)
    se = np.sqrt(factor * np.sum(c**2, axis=0))
    tstar = np.abs(v @ c) / np.sqrt(factor * (v**2) @ (c**2))
    t = np.abs(params) / se
    return (tstar >= t).mean(axis=0), np.quantile(tstar, 1 - alpha, axis=0)


def _refuse(mod, cov_type, groups):
    """Raise :class:`InputError` for the cases the score-based options do not cover."""
    if mod.effects == "random":
        raise InputError(
            f"cov_type '{cov_type}' is not available for random effects: their scores do "
            "not split into martingale differences by unit-period (the GLS transformation "
            "mixes the periods of a unit)",
            hint="use cov_type='oim', or fixed effects",
        )
    timex = mod.effects in ("individual", "twoways")
    if cov_type in ("opg", "robust", "cluster") and timex and mod.varying_w:
        raise InputError(
            f"cov_type '{cov_type}' is not available with a weights matrix per period and "
            f"{mod.effects} effects (the time demeaning does not commute with the weights)",
            hint="use cov_type='oim' or 'driscoll-kraay', or one weights matrix",
        )
    if groups is not None and timex and np.any(groups != groups[:1]):
        raise InputError(
            "with individual or two-way effects the cluster variable must be constant within each unit",
            hint="cluster by the unit or by a grouping of units (e.g. a region)",
        )


def cluster_groups(mod, cluster=None, labels=False):
    """The cluster of each observation of a balanced panel model, as codes of shape (T, N) in the model's
    time-major order: the unit when ``cluster`` is None or the id column, else the codes of the data's column
    ``cluster`` (any column, the time column included).

    Parameters
    ----------
    mod : SpatialPanel
    cluster : str, optional
        A column of the model's data; None: the unit (the id column).
    labels : bool
        Return the column's values instead of codes. The IV fits hand them to linearmodels, which sorts the
        labels it is given and sums over the clusters in that order: with codes in the model's unit order the
        sums ran in another order, and the clustered IV estimates of the default study moved in their tenth
        significant digit.

    Raises
    ------
    InputError
        When the column is not in the data or has missing values.
    """
    if not labels and (cluster is None or cluster == mod.id):
        return np.tile(np.arange(mod.N), (mod.T, 1))
    name = mod.id if cluster is None else cluster
    data = mod._spec["data"]
    if name not in data.columns:
        raise InputError(
            f"cluster column '{name}' is not in the data",
            column=name,
            hint="name a column of the panel (e.g. a province or region code)",
        )
    col = data.sort_values([mod.time, mod.id], kind="stable")[name]
    if col.isna().any():
        raise InputError(f"cluster column '{name}' has missing values", column=name)
    values = col.to_numpy() if labels else pd.factorize(col, sort=True)[0]
    return values.reshape(mod.T, mod.N)


def apply_cov_type(res, cov_type, cluster=None, dk_lag=None, bootstrap=None):
    """Replace the covariance of ``res`` by the one of ``cov_type`` and record it.

    Parameters
    ----------
    res : SpatialPanelResults
        A fit with the ``oim`` covariance.
    cov_type : str
        One of :data:`COV_TYPES`.
    cluster : str, optional
        Column of the model's data defining the clusters (default: the unit id).
    dk_lag : int, optional
        Driscoll-Kraay lag (default :func:`dk_default_lag`).
    bootstrap : int or dict, optional
        With ``cluster``: the wild cluster bootstrap (:func:`wild_cluster_bootstrap`; draws, seed and
        weights, see :func:`check_bootstrap`), whose p-values and intervals replace the normal ones.
        Needed with fewer than :data:`MIN_CLUSTERS` clusters; without it fewer than
        :data:`WARN_CLUSTERS` clusters give a warning naming the count.

    Returns
    -------
    SpatialPanelResults
        A new results object (:meth:`SpatialPanelResults.with_cov`; ``res`` is unchanged, and returned as
        it is for ``oim``) with its ``cov``, ``std_errors``, ``zvalues``, ``pvalues``, ``sigma2_se`` and
        ``cov_info`` (``cov_type``, ``cluster``, ``n_clusters``, ``dk_lag``, ``factor``, ``bootstrap``,
        ``note``); with the bootstrap also ``boot_crit`` (the bootstrap critical values of
        ``|t|`` that :meth:`conf_int` uses).

    Raises
    ------
    InputError
        For random effects; for ``opg``, ``robust`` and ``cluster`` with a weights matrix per period
        and individual or two-way effects; for a cluster column that is missing, has missing values, or
        varies within a unit under individual or two-way effects.
    """
    mod = res.model
    cov_type, cluster, dk_lag = check_options(cov_type, cluster, dk_lag, mod.T)
    if cov_type == "oim":
        return res
    t, nn = mod.T, mod.N
    groups = cluster_groups(mod, cluster) if cov_type == "cluster" else None
    _refuse(mod, cov_type, groups)
    bootstrap = check_bootstrap(bootstrap)
    if bootstrap is not None and cov_type != "cluster":
        raise InputError(
            "the wild cluster bootstrap is given but cov_type is not 'cluster'",
            hint="set cov_type='cluster' or drop the bootstrap",
        )
    if cov_type == "driscoll-kraay":
        scores, hess = fe_scores(res)
        if dk_lag is None:
            dk_lag = dk_default_lag(t)
        full, info = sandwich(scores, hess, cov_type, periods=np.repeat(np.arange(t), nn), lag=dk_lag)
    else:
        label = cluster if cluster not in (None, mod.id) else mod.id
        if groups is not None:
            g = len(np.unique(groups))
            if g < MIN_CLUSTERS and bootstrap is None:
                raise InputError(
                    f"only {g} clusters by {label}: cluster-robust standard errors need at least "
                    f"{MIN_CLUSTERS} clusters",
                    column=None if label == mod.id else label,
                    hint="ask for the wild cluster bootstrap (bootstrap={'draws': 999}; fit-panel "
                    "--cluster-bootstrap 999; analysis.cluster_bootstrap in a study), or "
                    "cluster by a finer grouping",
                )
            if g < WARN_CLUSTERS and bootstrap is None:
                warnings.warn(
                    f"only {g} clusters by {label}: cluster-robust standard errors are unreliable with "
                    f"fewer than {WARN_CLUSTERS} clusters; consider the wild cluster bootstrap",
                    RuntimeWarning,
                    stacklevel=3,
                )
        _, _, hess, _ = fe_parts(res)
        pieces, codes = md_pieces(res, groups)
        full, info = sandwich(pieces, hess, cov_type, groups=codes)
    k = len(res.params)
    names = list(res.params.index)
    label = cluster if cluster not in (None, mod.id) else mod.id
    cov_info = {
        "cov_type": cov_type,
        "cluster": label if cov_type == "cluster" else None,
        "n_clusters": info.get("n_clusters"),
        "dk_lag": info.get("dk_lag"),
        "factor": info["factor"],
        "bootstrap": None,
        "note": describe(cov_type, label, info.get("dk_lag"), info.get("n_clusters")),
    }
    pvalues = boot_crit = None
    if cov_type == "cluster" and bootstrap is not None:
        cd, _ = pd.factorize(pd.Series(codes), sort=True)
        sums = np.zeros((cd.max() + 1, pieces.shape[1]))
        np.add.at(sums, cd, pieces)
        theta = np.r_[res.params.to_numpy(), res.sigma2]
        pv, crit = wild_cluster_bootstrap(sums, inverse(-hess), info["factor"], theta, **bootstrap)
        pvalues = pd.Series(pv[:k], index=names)
        boot_crit = pd.Series(crit[:k], index=names)
        cov_info["bootstrap"] = dict(bootstrap)
        cov_info["note"] += (
            f"; p-values and intervals from an unrestricted wild cluster bootstrap "
            f"({bootstrap['weights'].title()} weights, {bootstrap['draws']} draws; with "
            f"{len(sums)} clusters |t*| cannot exceed {np.sqrt(len(sums) - 1):.2f})"
        )
    return res.with_cov(
        pd.DataFrame(full[:k, :k], index=names, columns=names),
        float(np.sqrt(full[k, k])),
        cov_info,
        pvalues=pvalues,
        boot_crit=boot_crit,
    )
