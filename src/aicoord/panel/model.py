"""Maximum-likelihood spatial panel models with fixed effects (Elhorst 2014; Lee and Yu 2010).

Models: SAR (rho W y), SDM (rho W y + W X theta), SEM (lambda W u), SAC (rho W y and lambda W u),
SLX (W X theta, least squares) and SDEM (W X theta and lambda W u), on a balanced panel in long
format, with pooled, individual, time or two-way fixed effects removed by the within
transformation.  Spatial lags are always computed on the raw data and demeaned afterwards
(``(W y)`` demeaned, never ``W`` times demeaned y), which is the exact dummy-variable model also
when W's columns do not sum to one.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import special

from ..errors import InputError
from ._optim import minimize_bounded, root_bracketed
from .wmatrix import PanelWeights, as_matrix

__all__ = ["SpatialPanel", "SpatialPanelResults", "MODELS", "EFFECTS"]

MODELS = ("sar", "sdm", "sem", "sac", "slx", "sdem")
EFFECTS = ("none", "individual", "time", "twoways", "random")
_LAG = ("sar", "sdm", "sac")
_ERR = ("sem", "sac", "sdem")
_WX = ("sdm", "slx", "sdem")


def _demean(a, effects):
    """Within transformation of an array shaped (T, N, ...)."""
    if effects == "individual":
        return a - a.mean(axis=0, keepdims=True)
    if effects == "time":
        return a - a.mean(axis=1, keepdims=True)
    if effects == "twoways":
        return a - a.mean(axis=0, keepdims=True) - a.mean(axis=1, keepdims=True) + a.mean(
            axis=(0, 1), keepdims=True
        )
    return a


class SpatialPanel:
    """Spatial panel model estimated by concentrated maximum likelihood.

    Parameters
    ----------
    data : pandas.DataFrame
        Balanced panel in long format (one row per unit and period).
    y : str
        Dependent variable.
    x : list of str
        Regressors (no constant: a constant is added for ``effects="none"``).
    id, time : str
        Unit and period columns.
    w : libpysal W or Graph, numpy array, scipy sparse matrix, DataFrame, or dict
        N x N spatial weights.  A plain array is taken in the order of the sorted unit ids.  A dict
        ``{period: weights}`` gives a different matrix per period.
    model : {"sar", "sdm", "sem", "sac", "slx", "sdem"}
    effects : {"none", "individual", "time", "twoways"}
        Fixed effects removed by the within transformation.
    wx : list of str, optional
        Regressors that get a spatial lag ``W*<var>`` in SDM, SLX and SDEM (default: all of ``x``).
    lee_yu : bool
        Lee and Yu (2010) bias correction (transformation approach) for individual and two-way
        effects.
    standardize : bool
        Row-standardise the weights (default).
    logdet : {"auto", "eigen", "lu"}
        Log-determinant method: eigenvalues (small N) or sparse LU (large N); "auto" chooses.

    Notes
    -----
    The concentrated log-likelihood of the SAR/SDM model with ``n = NT`` observations is

    ``-n/2 log(2 pi sigma2) - n/2 + sum_t log|I - rho W_t|``, ``sigma2 = e'e / n``,

    where ``e`` are the residuals of the demeaned equation; this equals the log-likelihood of the
    dummy-variable model exactly.  With ``lee_yu=True`` the likelihood of the Lee-Yu transformed
    model is used: ``n = N(T-1)`` and ``(T-1) log|I - rho W|`` for individual effects, and
    ``n = (N-1)(T-1)`` and ``(T-1)(log|I - rho W| - log(1 - rho))`` for two-way effects
    (row-standardised W).  Standard errors come from the analytic information matrix (Elhorst 2014,
    ch. 3; for the SAC Anselin 1988 as in spatialreg::sacsarlm); for the SAC with the Lee-Yu
    correction and for random effects from a numerical Hessian of the full log-likelihood.

    The spatial lag enters as ``Q (W y)``, the demeaned lag, which is what the dummy-variable model
    implies.  Elhorst's Matlab routines and R's SDPDmod use ``W (Q y)``, the lag of the demeaned
    ``y``; with time effects the two differ unless W's columns also sum to one, so those packages'
    time and two-way estimates differ from these (and from R spatialreg's dummy-variable ML) in the
    second or third digit.  SDPDmod also reads the log-determinant off a grid of step 0.001.  Both
    differences are reproduced in ``tests/panel/test_published.py``.

    References
    ----------
    Elhorst, J.P. (2014). Spatial Econometrics: From Cross-Sectional Data to Spatial Panels.
    Springer.  Lee, L.-F. and Yu, J. (2010). Estimation of spatial autoregressive panel data models
    with fixed effects. Journal of Econometrics 154, 165-185.  LeSage, J. and Pace, R.K. (2009).
    Introduction to Spatial Econometrics. CRC Press.
    """

    def __init__(self, data, y, x, id, time, w, model="sdm", effects="twoways", wx=None,
                 lee_yu=False, standardize=True, logdet="auto"):
        model = str(model).lower()
        effects = {"fe": "individual", "ind": "individual", "twoway": "twoways", "both": "twoways",
                   "pooled": "none"}.get(str(effects).lower(), str(effects).lower())
        if model not in MODELS:
            raise InputError(f"unknown model '{model}'", hint=f"choose one of {', '.join(MODELS)}")
        if effects not in EFFECTS:
            raise InputError(f"unknown effects '{effects}'", hint=f"choose one of {', '.join(EFFECTS)}")
        if effects == "random" and model not in ("sar", "sdm", "sem"):
            raise InputError("random effects are implemented for the SAR, SDM and SEM only")
        if lee_yu and effects not in ("individual", "time", "twoways"):
            raise InputError("the Lee-Yu correction applies to fixed effects only")
        if isinstance(x, str):
            x = [x]
        x = list(x)
        if not x and model not in ("sar", "sem", "sac"):
            raise InputError("at least one regressor is needed")
        wx = list(x) if wx is None else ([wx] if isinstance(wx, str) else list(wx))
        if model not in _WX:
            wx = []
        bad = [v for v in wx if v not in x]
        if bad:
            raise InputError(f"wx variables {bad} are not among the regressors x")
        self.model, self.effects, self.lee_yu = model, effects, bool(lee_yu)
        self.yname, self.xnames, self.wxnames = y, x, wx
        self.id, self.time = id, time
        self._spec = dict(data=data, y=y, x=x, id=id, time=time, w=w, model=model, effects=effects,
                          wx=wx if model in _WX else None, lee_yu=lee_yu, standardize=standardize,
                          logdet=logdet)
        self._prepare(data, w, standardize, logdet)

    def respecify(self, **changes):
        """A new :class:`SpatialPanel` on the same data with some arguments changed."""
        spec = dict(self._spec)
        spec.update(changes)
        return SpatialPanel(**spec)

    # ------------------------------------------------------------------ data
    def _prepare(self, data, w, standardize, logdet):
        if not isinstance(data, pd.DataFrame):
            raise InputError("data must be a pandas DataFrame in long format")
        cols = [self.id, self.time, self.yname] + self.xnames
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise InputError(f"columns not in the data: {missing}")
        if len(set(cols)) != len(cols):
            raise InputError("a column is used twice among id, time, y and x")
        df = data[cols]
        na = df.isna().any(axis=1)
        if na.any():
            first = int(np.flatnonzero(na.to_numpy())[0])
            col = df.columns[df.iloc[first].isna()][0]
            raise InputError(f"{int(na.sum())} rows have missing values (first: data row {first + 1})",
                             column=col, hint="drop or impute them; the panel must be balanced")
        for c in [self.yname] + self.xnames:
            if not pd.api.types.is_numeric_dtype(df[c]):
                raise InputError("column is not numeric", column=c)
            if not np.all(np.isfinite(df[c].to_numpy(dtype=float))):
                raise InputError("column has infinite values", column=c)
        if df.duplicated([self.id, self.time]).any():
            raise InputError("duplicate (id, time) pairs", column=self.id)
        units = sorted(df[self.id].unique())
        periods = sorted(df[self.time].unique())
        n, t = len(units), len(periods)
        if len(df) != n * t:
            counts = df.groupby(self.id).size()
            short = counts[counts < t].index.tolist()[:5]
            raise InputError(f"unbalanced panel: {len(df)} rows for {n} units x {t} periods "
                             f"(units with missing periods: {short})", column=self.id)
        if t < 2 and self.effects in ("individual", "twoways", "random"):
            raise InputError("individual effects need at least two periods")
        self.units, self.periods, self.N, self.T = units, periods, n, t
        df = df.set_index([self.time, self.id]).sort_index()
        self.Y = df[self.yname].to_numpy(dtype=float).reshape(t, n)
        self.X = df[self.xnames].to_numpy(dtype=float).reshape(t, n, len(self.xnames))

        # weights
        if isinstance(w, dict):
            keys = {k: k for k in w}
            if set(keys) != set(periods):
                raise InputError("weights by year must give one matrix for every period",
                                 hint=f"periods: {periods[:3]}...")
            cache = {}
            self.ws = []
            for p in periods:
                key = id(w[p])
                if key not in cache:
                    mat, _ = as_matrix(w[p], units)
                    cache[key] = PanelWeights(mat, standardize, logdet)
                self.ws.append(cache[key])
        else:
            mat, _ = as_matrix(w, units)
            pw = PanelWeights(mat, standardize, logdet)
            self.ws = [pw] * t
        for pw in self.ws:
            if pw.n != n:
                raise InputError(f"weights matrix is {pw.n} x {pw.n} but the panel has {n} units")
            if pw.islands:
                warnings.warn(f"weights matrix has {pw.islands} units without neighbours", stacklevel=3)
        self.varying_w = len({id(p) for p in self.ws}) > 1
        if self.lee_yu and self.varying_w:
            raise InputError("the Lee-Yu correction needs one weights matrix for all periods")
        if self.lee_yu and self.effects in ("time", "twoways") and not all(
                pw.row_standardized for pw in self.ws):
            raise InputError("the Lee-Yu correction for time effects needs a row-standardised W")

        # design
        lag = self.lag
        WX = lag(self.X[:, :, [self.xnames.index(v) for v in self.wxnames]]) if self.wxnames else None
        Z = self.X if WX is None else np.concatenate([self.X, WX], axis=2)
        names = self.xnames + [f"W*{v}" for v in self.wxnames]
        if self.effects in ("none", "random"):
            Z = np.concatenate([np.ones((t, n, 1)), Z], axis=2)
            names = ["const"] + names
        self.Zraw = Z
        self.znames = names
        self.Zd = _demean(Z, self.effects).reshape(t * n, -1)
        self.yd = _demean(self.Y, self.effects).ravel()
        self.Wy = lag(self.Y)
        self.Wyd = _demean(self.Wy, self.effects).ravel()
        self._check_design()
        self.n_eff, self._ld_scale = self._sample_size()

    def lag(self, a):
        """Spatial lag per period of an array shaped (T, N[, k])."""
        out = np.empty_like(a)
        for ti, pw in enumerate(self.ws):
            out[ti] = pw.W @ a[ti]
        return out

    def _check_design(self):
        zd = self.Zd
        if zd.shape[1] == 0:
            return
        scale = np.sqrt((zd ** 2).mean(axis=0))
        raw = np.sqrt((self.Zraw.reshape(len(zd), -1) ** 2).mean(axis=0)) + 1e-300
        dead = [nm for nm, s, r in zip(self.znames, scale, raw) if s <= 1e-10 * max(r, 1.0)]
        if dead:
            what = {"individual": "time-invariant", "time": "the same for all units in a period",
                    "twoways": "time-invariant or unit-invariant"}.get(self.effects, "constant")
            raise InputError(f"regressors {dead} are {what} and are wiped out by the "
                             f"{self.effects} fixed effects", hint="drop them")
        zs = zd / np.where(scale > 0, scale, 1.0)
        sv = np.linalg.svd(zs, compute_uv=False)
        if sv[-1] < 1e-8 * sv[0]:
            rank = int(np.sum(sv > 1e-8 * sv[0]))
            raise InputError(f"regressors {self.znames} are perfectly collinear after the "
                             f"within transformation (rank {rank} < {len(self.znames)})",
                             hint="drop a redundant regressor")

    def _sample_size(self):
        n, t = self.N, self.T
        if self.lee_yu and self.effects == "individual":
            return n * (t - 1), (t - 1) / t
        if self.lee_yu and self.effects == "twoways":
            return (n - 1) * (t - 1), (t - 1) / t
        if self.lee_yu and self.effects == "time":
            return (n - 1) * t, 1.0
        return n * t, 1.0

    # ------------------------------------------------------------------ log-determinants
    def logdet(self, rho):
        """``sum_t log|I - rho W_t|`` (Lee-Yu scaled when requested)."""
        if rho == 0.0:
            return 0.0
        if not self.varying_w:
            val = self.T * self.ws[0].logdet(rho)
        else:
            val = 0.0
            memo = {}
            for pw in self.ws:
                if id(pw) not in memo:
                    memo[id(pw)] = pw.logdet(rho)
                val += memo[id(pw)]
        val *= self._ld_scale
        if self.lee_yu and self.effects in ("time", "twoways"):
            val -= self._ld_scale * self.T * np.log(1.0 - rho)
        return val

    def dlogdet(self, rho):
        """Derivative of :meth:`logdet` (eigenvalue method only; ``None`` otherwise)."""
        if any(pw.method != "eigen" for pw in self.ws):
            return None
        val = 0.0
        for pw in self.ws:
            ev = pw.eigenvalues
            val -= float(np.real(np.sum(ev / (1.0 - rho * ev))))
        val *= self._ld_scale
        if self.lee_yu and self.effects in ("time", "twoways"):
            val += self._ld_scale * self.T / (1.0 - rho)
        return val

    def bounds(self):
        lo, hi = -np.inf, np.inf
        for pw in {id(p): p for p in self.ws}.values():
            a, b = pw.bounds()
            lo, hi = max(lo, a), min(hi, b)
        return lo, hi

    def _info_traces(self, rho):
        """Scaled ``(tr B, tr BB, tr B'B)`` summed over periods."""
        proj = self.lee_yu and self.effects in ("time", "twoways")
        tot = np.zeros(3)
        memo = {}
        for pw in self.ws:
            if id(pw) not in memo:
                memo[id(pw)] = np.array(pw.info_traces(rho, project=proj))
            tot += memo[id(pw)]
        return tot * self._ld_scale

    # ------------------------------------------------------------------ fitting
    def fit(self, tol=1e-12):
        """Estimate the model.

        Parameters
        ----------
        tol : float
            Absolute tolerance on the spatial parameter(s) in the line search.

        Returns
        -------
        SpatialPanelResults
        """
        lo, hi = self.bounds()
        self._lo, self._hi = lo, hi
        if self.effects == "random":
            return self._fit_re_err(tol) if self.model == "sem" else self._fit_re_lag(tol)
        fn = {"sar": self._fit_lag, "sdm": self._fit_lag, "sem": self._fit_err,
              "sdem": self._fit_err, "slx": self._fit_ols, "sac": self._fit_sac}[self.model]
        return fn(tol)

    def _boundary(self, name, val, lo, hi):
        span = hi - lo
        if val - lo < 1e-6 * span or hi - val < 1e-6 * span:
            raise InputError(f"{name} = {val:.6f} is at the boundary of its admissible interval "
                             f"({lo:.4f}, {hi:.4f}); the maximum likelihood estimate is not interior",
                             hint="check the weights matrix and the model specification")

    def _line_search(self, f, tol, dsse=None):
        """Bounded Brent search, then (when derivatives are available) a root of the score.

        ``dsse(r)`` returns ``(sse, d sse / d r)`` of the concentrated problem; the score is
        ``-n/2 dsse/sse + dlogdet``.  Function-value search alone stops at ~1e-8 in rho.
        """
        lo, hi = self._lo, self._hi
        eps = 1e-9 * (hi - lo)
        x, _ = minimize_bounded(f, lo + eps, hi - eps, xatol=tol, maxiter=1000)
        if dsse is None or self.dlogdet(x) is None:
            return x

        def score(r):
            sse, ds = dsse(r)
            return -self.n_eff / 2 * ds / sse + self.dlogdet(r)

        for step in (1e-6, 1e-5, 1e-4):
            a, b = max(lo + eps, x - step), min(hi - eps, x + step)
            fa, fb = score(a), score(b)
            if np.sign(fa) != np.sign(fb):
                return root_bracketed(score, a, b, xtol=1e-15, maxiter=200)
        return x

    def _fit_lag(self, tol):
        Z, y, wy, n = self.Zd, self.yd, self.Wyd, self.n_eff
        coef, *_ = np.linalg.lstsq(Z, np.column_stack([y, wy]), rcond=None)
        e0 = y - Z @ coef[:, 0]
        e1 = wy - Z @ coef[:, 1]
        a, b, c = e0 @ e0, e0 @ e1, e1 @ e1

        def negll(r):
            sse = a - 2 * r * b + r * r * c
            return n / 2 * np.log(sse / n) - self.logdet(r)

        rho = self._line_search(negll, tol, lambda r: (a - 2 * r * b + r * r * c, -2 * b + 2 * r * c))
        self._boundary("rho", rho, self._lo, self._hi)
        beta = coef[:, 0] - rho * coef[:, 1]
        e = e0 - rho * e1
        sig2 = (e @ e) / n
        ll = -n / 2 * (np.log(2 * np.pi * sig2) + 1) + self.logdet(rho)
        # analytic information matrix of (beta, rho, sigma2)
        eta = (self.Y - rho * self.Wy).ravel() - e  # X beta + fixed effects (dummy-model mean)
        t, nn = self.T, self.N
        g = np.empty((t, nn))
        eta = eta.reshape(t, nn)
        groups = {}
        for ti, pw in enumerate(self.ws):
            groups.setdefault(id(pw), (pw, []))[1].append(ti)
        for pw, idx in groups.values():  # one factorisation per distinct W
            g[idx] = (pw.W @ pw.solve(rho, eta[idx].T)).T
        g = _demean(g, self.effects).ravel()
        trb, trbb, trbtb = self._info_traces(rho)
        k = Z.shape[1]
        info = np.zeros((k + 2, k + 2))
        info[:k, :k] = Z.T @ Z / sig2
        info[:k, k] = info[k, :k] = Z.T @ g / sig2
        info[k, k] = trbb + trbtb + g @ g / sig2
        info[k, k + 1] = info[k + 1, k] = trb / sig2
        info[k + 1, k + 1] = n / (2 * sig2 ** 2)
        cov = _inv(info)
        names = self.znames + ["rho"]
        return self._results(names, np.r_[beta, rho], cov, sig2, ll, e, rho=rho, lam=0.0)

    def _err_parts(self):
        wx = self.lag(self.Zraw)
        return _demean(wx, self.effects).reshape(self.Zd.shape)

    def _fit_err(self, tol):
        Z, y, wy, n = self.Zd, self.yd, self.Wyd, self.n_eff
        WZ = self._err_parts()

        def sse_beta(lam):
            zt = Z - lam * WZ
            yt = y - lam * wy
            bb, *_ = np.linalg.lstsq(zt, yt, rcond=None)
            r = yt - zt @ bb
            return r @ r, bb, zt, r

        def negll(lam):
            return n / 2 * np.log(sse_beta(lam)[0] / n) - self.logdet(lam)

        def dsse(lam):
            sse, bb, zt, r = sse_beta(lam)
            return sse, -2 * r @ (wy - WZ @ bb)

        lam = self._line_search(negll, tol, dsse)
        self._boundary("lambda", lam, self._lo, self._hi)
        sse, beta, zt, e = sse_beta(lam)
        sig2 = sse / n
        ll = -n / 2 * (np.log(2 * np.pi * sig2) + 1) + self.logdet(lam)
        trb, trbb, trbtb = self._info_traces(lam)
        k = Z.shape[1]
        info = np.zeros((k + 2, k + 2))
        info[:k, :k] = zt.T @ zt / sig2
        info[k, k] = trbb + trbtb
        info[k, k + 1] = info[k + 1, k] = trb / sig2
        info[k + 1, k + 1] = n / (2 * sig2 ** 2)
        cov = _inv(info)
        names = self.znames + ["lambda"]
        return self._results(names, np.r_[beta, lam], cov, sig2, ll, e, rho=0.0, lam=lam)

    def _fit_ols(self, tol):
        Z, y, n = self.Zd, self.yd, self.n_eff
        beta, *_ = np.linalg.lstsq(Z, y, rcond=None)
        e = y - Z @ beta
        sig2 = (e @ e) / n
        ll = -n / 2 * (np.log(2 * np.pi * sig2) + 1)
        k = Z.shape[1]
        cov = np.zeros((k + 1, k + 1))
        cov[:k, :k] = sig2 * _inv(Z.T @ Z)
        cov[k, k] = 2 * sig2 ** 2 / n
        return self._results(list(self.znames), beta, cov, sig2, ll, e, rho=0.0, lam=0.0)

    def _fit_sac(self, tol):
        Z, y, wy, n = self.Zd, self.yd, self.Wyd, self.n_eff
        WZ = self._err_parts()
        wwy = _demean(self.lag(self.Wy), self.effects).ravel()

        def parts(rho, lam):
            yt = y - rho * wy - lam * (wy - rho * wwy)
            zt = Z - lam * WZ
            bb, *_ = np.linalg.lstsq(zt, yt, rcond=None)
            r = yt - zt @ bb
            return r @ r, bb, r

        lo, hi = self._lo, self._hi
        eps = 1e-6 * (hi - lo)

        def negll(p):
            return n / 2 * np.log(parts(p[0], p[1])[0] / n) - self.logdet(p[0]) - self.logdet(p[1])

        res = _minimize_2d(negll, ((0.0, 0.0), (0.3, 0.3), (-0.3, 0.5), (0.5, -0.3)),
                           [(lo + eps, hi - eps)] * 2)
        _check_stationary(negll, res.x, "SAC")
        rho, lam = map(float, res.x)
        self._boundary("rho", rho, lo, hi)
        self._boundary("lambda", lam, lo, hi)
        sse, beta, e = parts(rho, lam)
        sig2 = sse / n
        ll = -n / 2 * (np.log(2 * np.pi * sig2) + 1) + self.logdet(rho) + self.logdet(lam)

        def full_ll(p):
            k = Z.shape[1]
            b, r, lm, s2 = p[:k], p[k], p[k + 1], p[k + 2]
            yt = y - r * wy - lm * (wy - r * wwy)
            res_ = yt - (Z - lm * WZ) @ b
            return (-n / 2 * np.log(2 * np.pi * s2) - res_ @ res_ / (2 * s2)
                    + self.logdet(r) + self.logdet(lm))

        theta = np.r_[beta, rho, lam, sig2]
        if self.lee_yu:
            cov = _inv(-_num_hessian(full_ll, theta))
        else:
            cov = self._sac_information(rho, lam, sig2, e, Z - lam * WZ)
        names = self.znames + ["rho", "lambda"]
        return self._results(names, np.r_[beta, rho, lam], cov, sig2, ll, e, rho=rho, lam=lam)

    def _sac_information(self, rho, lam, sig2, e, zt):
        """Inverse of the analytic information matrix of the SAC (Anselin 1988, as in
        spatialreg::sacsarlm), in the order (beta, rho, lambda, sigma2), with the fixed effects
        partialled out (their transformed columns span the demeaning space for row-standardised
        W)."""
        t, nn = self.T, self.N
        k = zt.shape[1]
        eye = np.eye(nn)
        terms = np.zeros(7)
        g = np.empty((t, nn))
        memo = {}
        for ti, pw in enumerate(self.ws):
            if id(pw) not in memo:
                w = pw.W.toarray()
                ai = np.linalg.inv(eye - rho * w)
                b = eye - lam * w
                bi = np.linalg.inv(b)
                wa, wb = w @ ai, w @ bi
                bwabi = b @ wa @ bi
                memo[id(pw)] = (np.array([
                    np.sum(wa * wa.T) + np.sum(bwabi * bwabi),  # rho-rho traces
                    np.sum(wb * wb.T) + np.sum(wb * wb),  # lambda-lambda
                    np.trace(wa), np.trace(wb),  # sigma2-rho, sigma2-lambda
                    np.sum(wb * bwabi) + np.trace(w @ wa @ bi),  # rho-lambda
                    0.0, 0.0]), ai, b, bi, w)
            tr_, ai, b, bi, w = memo[id(pw)]
            terms += tr_
            sl = slice(ti * nn, (ti + 1) * nn)
            u = bi @ e[sl]
            eta = self.Y[ti] - rho * self.Wy[ti] - u
            g[ti] = b @ (w @ (ai @ eta))
        g = _demean(g, self.effects).ravel()
        info = np.zeros((k + 3, k + 3))
        info[:k, :k] = zt.T @ zt / sig2
        info[:k, k] = info[k, :k] = zt.T @ g / sig2
        info[k, k] = terms[0] + g @ g / sig2
        info[k + 1, k + 1] = terms[1]
        info[k, k + 1] = info[k + 1, k] = terms[4]
        info[k, k + 2] = info[k + 2, k] = terms[2] / sig2
        info[k + 1, k + 2] = info[k + 2, k + 1] = terms[3] / sig2
        info[k + 2, k + 2] = self.n_eff / (2 * sig2 ** 2)
        return _inv(info)

    def _fit_re_lag(self, tol):
        """Random-effects SAR/SDM (Elhorst 2014, sec. 3.4): ``y = rho W y + X b + mu + e``.

        With ``phi = sigma2 / (T sigma2_mu + sigma2)`` the GLS transform is
        ``a - (1 - sqrt(phi)) mean_t(a)``; the log-likelihood is
        ``-NT/2 log(2 pi s2) + N/2 log(phi) + T log|I - rho W| - e'e/(2 s2)``, maximised jointly in
        ``(rho, phi)`` with ``b`` and ``s2`` concentrated out; covariance from a numerical Hessian.
        """
        t, nn = self.T, self.N
        nt = t * nn
        k = self.Zraw.shape[2]

        def tr(a, s):
            return a - (1 - s) * a.mean(axis=0, keepdims=True)

        def parts(rho, phi):
            s = np.sqrt(phi)
            yt = tr(self.Y - rho * self.Wy, s).ravel()
            zt = tr(self.Zraw, s).reshape(nt, k)
            bb, *_ = np.linalg.lstsq(zt, yt, rcond=None)
            r = yt - zt @ bb
            return r @ r, bb, r

        def negll(p):
            sse = parts(p[0], np.exp(p[1]))[0]
            return nt / 2 * np.log(sse / nt) - nn / 2 * p[1] - self.logdet(p[0])

        lo, hi = self._lo, self._hi
        eps = 1e-6 * (hi - lo)
        res = _minimize_2d(negll, ((0.0, np.log(0.5)), (0.3, np.log(0.05)), (0.3, np.log(0.9))),
                           [(lo + eps, hi - eps), (-30.0, 0.0)])
        _check_stationary(negll, res.x, "random-effects")
        rho, phi = float(res.x[0]), float(np.exp(res.x[1]))
        self._boundary("rho", rho, lo, hi)
        if phi >= 1 - 1e-8:
            warnings.warn("random-effects variance is estimated at zero (phi = 1): the model "
                          "reduces to the pooled one", RuntimeWarning, stacklevel=3)
        sse, beta, e = parts(rho, phi)
        sig2 = sse / nt
        ll = -nt / 2 * (np.log(2 * np.pi * sig2) + 1) + nn / 2 * np.log(phi) + self.logdet(rho)

        def full_ll(p):
            b, r, ph, s2 = p[:k], p[k], p[k + 1], p[k + 2]
            s = np.sqrt(ph)
            yt = tr(self.Y - r * self.Wy, s).ravel()
            res_ = yt - tr(self.Zraw, s).reshape(nt, k) @ b
            return (-nt / 2 * np.log(2 * np.pi * s2) + nn / 2 * np.log(ph) + self.logdet(r)
                    - res_ @ res_ / (2 * s2))

        return self._re_results(full_ll, beta, "rho", rho, phi, sig2,
                                sig2 * (1 - phi) / (t * phi), ll, e)

    def _fit_re_err(self, tol):
        """Random-effects SEM (Elhorst 2014, sec. 3.4): ``y = X b + mu + u``, ``u_t = lambda W u_t + e_t``.

        With ``B = I - lambda W``, ``phi = sigma2_mu / sigma2`` and ``V = T phi I + (B'B)^{-1}`` the
        log-likelihood is ``-NT/2 log(2 pi s2) - 1/2 log|V| + (T-1) log|B| - Q/(2 s2)``, where
        ``Q = sum_t ||B (r_t - rbar)||^2 + T rbar' V^{-1} rbar`` for residuals ``r = y - X b``.
        ``b`` and ``s2`` are concentrated out; ``(lambda, phi)`` are found numerically; covariance
        from a numerical Hessian.  Needs one symmetric eigen-decomposition of ``B'B`` per
        evaluation, so it is meant for moderate N with a single W.
        """
        if self.varying_w:
            raise InputError("the random-effects SEM needs one weights matrix for all periods")
        t, nn = self.T, self.N
        nt = t * nn
        k = self.Zraw.shape[2]
        w = self.ws[0].W.toarray()
        ybar, zbar = self.Y.mean(axis=0), self.Zraw.mean(axis=0)
        yw, zw = self.Y - ybar, self.Zraw - zbar

        def transform(lam, phi):
            b = np.eye(nn) - lam * w
            sv, u = np.linalg.eigh(b.T @ b)
            vdiag = t * phi + 1.0 / sv
            p = (u / np.sqrt(vdiag)) @ u.T  # V^{-1/2}
            ys = np.concatenate([(yw @ b.T).ravel(), np.sqrt(t) * p @ ybar])
            zs = np.concatenate([np.einsum("ij,tjk->tik", b, zw).reshape(nt, k),
                                 np.sqrt(t) * p @ zbar])
            return ys, zs, float(np.sum(np.log(vdiag)))

        def parts(lam, phi):
            ys, zs, ldv = transform(lam, phi)
            bb, *_ = np.linalg.lstsq(zs, ys, rcond=None)
            r = ys - zs @ bb
            return r @ r, bb, r, ldv

        def conc(lam, phi):
            sse, _, _, ldv = parts(lam, phi)
            return -nt / 2 * (np.log(2 * np.pi * sse / nt) + 1) - ldv / 2 + (t - 1) / t * self.logdet(lam)

        def negll(p):
            return -conc(p[0], np.exp(p[1]))

        lo, hi = self._lo, self._hi
        eps = 1e-6 * (hi - lo)
        res = _minimize_2d(negll, ((0.0, 0.0), (0.3, np.log(0.1)), (0.3, np.log(10.0))),
                           [(lo + eps, hi - eps), (-30.0, 15.0)], polish_always=False,
                           nm_maxiter=5000)
        lam, phi = float(res.x[0]), float(np.exp(res.x[1]))
        self._boundary("lambda", lam, lo, hi)
        if phi < 1e-10:
            warnings.warn("random-effects variance is estimated at zero: the model reduces to the "
                          "pooled SEM", RuntimeWarning, stacklevel=3)
        else:
            _check_stationary(negll, res.x, "random-effects SEM")
        sse, beta, e, _ = parts(lam, phi)
        sig2 = sse / nt
        ll = conc(lam, phi)

        def full_ll(p):
            b_, lm, ph, s2 = p[:k], p[k], p[k + 1], p[k + 2]
            ys, zs, ldv = transform(lm, ph)
            r = ys - zs @ b_
            return (-nt / 2 * np.log(2 * np.pi * s2) - ldv / 2 + (t - 1) / t * self.logdet(lm)
                    - r @ r / (2 * s2))

        return self._re_results(full_ll, beta, "lambda", lam, phi, sig2, phi * sig2, ll, e)

    # ------------------------------------------------------------------ results
    def _re_results(self, full_ll, beta, spatial_name, spatial, phi, sig2, sigma2_mu, ll, e):
        """Results of a random-effects fit.  The covariance of ``(beta, spatial)`` and the SE of
        ``sigma2`` come from a numerical Hessian of ``full_ll`` in ``(beta, spatial, phi,
        sigma2)``, with ``phi`` then dropped."""
        k = len(beta)
        full = _inv(-_num_hessian(full_ll, np.r_[beta, spatial, phi, sig2]))
        keep = list(range(k + 1)) + [k + 2]
        lag = spatial_name == "rho"
        out = self._results(self.znames + [spatial_name], np.r_[beta, spatial],
                            full[np.ix_(keep, keep)], sig2, ll, e,
                            rho=spatial if lag else 0.0, lam=0.0 if lag else spatial)
        out.phi = phi
        out.sigma2_mu = sigma2_mu
        return out

    def _results(self, names, est, cov_full, sig2, ll, resid, rho, lam):
        k = len(names)
        cov = pd.DataFrame(cov_full[:k, :k], index=names, columns=names)
        sig2_se = float(np.sqrt(cov_full[k, k])) if cov_full.shape[0] > k else np.nan
        return SpatialPanelResults(self, pd.Series(est, index=names), cov, float(sig2), sig2_se,
                                   float(ll), resid, rho, lam)


def _inv(a):
    try:
        out = np.linalg.inv(a)
    except np.linalg.LinAlgError as exc:
        raise InputError("the information matrix is singular; the model is not identified") from exc
    if not np.all(np.isfinite(out)) or np.any(np.diag(out) < 0):
        warnings.warn("the information matrix is not positive definite; standard errors are "
                      "unreliable", RuntimeWarning, stacklevel=3)
    return out


def _minimize_2d(negll, starts, bounds, polish_always=True, nm_maxiter=20000):
    """Minimise a function of two parameters (SAC and random-effects fits).

    L-BFGS-B within ``bounds`` from every start; from the best of those a Nelder-Mead polish
    (always, or with ``polish_always=False`` only when L-BFGS-B reports failure), and the better
    of the two results is returned (a ``scipy.optimize.OptimizeResult``).
    """
    from scipy import optimize  # imported here: only the 2-D searches need it (0.12 s)

    best = None
    for start in starts:
        res = optimize.minimize(negll, start, method="L-BFGS-B", bounds=bounds,
                                options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000})
        if best is None or res.fun < best.fun:
            best = res
    if not polish_always and best.success:
        return best
    res = optimize.minimize(negll, best.x, method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": nm_maxiter})
    return best if best.fun < res.fun else res


def _check_stationary(f, x, what, step=1e-6, gtol=1e-2):
    """Raise when the concentrated objective is not stationary at ``x`` (non-convergence)."""
    x = np.asarray(x, dtype=float)
    for i in range(len(x)):
        e = np.zeros(len(x))
        e[i] = step
        g = (f(x + e) - f(x - e)) / (2 * step)
        if not np.isfinite(g) or abs(g) > gtol:
            raise RuntimeError(f"{what} optimisation did not converge (score {g:.3g} in parameter "
                               f"{i}); the estimate may lie on the boundary or the model may be "
                               "weakly identified")


def _num_hessian(f, x, rel=1e-4):
    x = np.asarray(x, dtype=float)
    k = len(x)
    h = rel * np.maximum(np.abs(x), 1e-2)
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei = np.zeros(k)
            ej = np.zeros(k)
            ei[i] = h[i]
            ej[j] = h[j]
            v = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h[i] * h[j])
            hess[i, j] = hess[j, i] = v
    return hess


class SpatialPanelResults:
    """Results of :meth:`SpatialPanel.fit`.

    Attributes
    ----------
    params, std_errors, zvalues, pvalues : pandas.Series
        Estimates (regressors, ``W*<var>``, ``rho`` / ``lambda``) and asymptotic inference.
    cov : pandas.DataFrame
        Covariance of ``params`` (block of the inverse information matrix).
    sigma2, sigma2_se, loglik, aic, bic, r2, r2_within : float
    nobs, N, T : int
    resid : numpy.ndarray
        Residuals of the (demeaned) model, time-major.
    fixed_effects : dict of pandas.Series
        ``"mu"`` (two-way constant), ``"individual"`` and/or ``"time"`` effects.
    """

    def __init__(self, mod, params, cov, sig2, sig2_se, ll, resid, rho, lam):
        self.model = mod
        self.params = params
        self.cov = cov
        self.std_errors = pd.Series(np.sqrt(np.diag(cov.to_numpy())), index=params.index)
        self.zvalues = params / self.std_errors
        self.pvalues = pd.Series(2 * special.ndtr(-np.abs(self.zvalues.to_numpy())), index=params.index)
        self.sigma2, self.sigma2_se, self.loglik = sig2, sig2_se, ll
        self.resid = resid
        self.rho, self.lam = rho, lam
        self.N, self.T, self.nobs = mod.N, mod.T, mod.N * mod.T
        k = len(params) + 1
        self.df_model = k
        self.aic = -2 * ll + 2 * k
        self.bic = -2 * ll + k * np.log(mod.n_eff)
        sse = float(resid @ resid)
        yraw = mod.Y.ravel()
        self.r2 = 1 - sse / float(((yraw - yraw.mean()) ** 2).sum())
        self.r2_within = (1 - sse / float(mod.yd @ mod.yd) if mod.effects not in ("none", "random")
                          else self.r2)
        self.fixed_effects = self._recover_effects()

    def conf_int(self, alpha=0.05):
        """Normal confidence intervals as a DataFrame with columns ``lower`` and ``upper``."""
        q = special.ndtri(1 - alpha / 2)
        return pd.DataFrame({"lower": self.params - q * self.std_errors,
                             "upper": self.params + q * self.std_errors})

    def _recover_effects(self):
        mod = self.model
        if mod.effects in ("none", "random"):
            return {}
        names = list(mod.znames)
        beta = self.params[names].to_numpy()
        u = mod.Y - self.rho * mod.Wy - mod.Zraw @ beta
        out = {}
        if mod.effects == "individual":
            out["individual"] = pd.Series(u.mean(axis=0), index=mod.units, name="alpha")
        elif mod.effects == "time":
            out["time"] = pd.Series(u.mean(axis=1), index=mod.periods, name="gamma")
        else:
            mu = u.mean()
            out["mu"] = float(mu)
            out["individual"] = pd.Series(u.mean(axis=0) - mu, index=mod.units, name="alpha")
            out["time"] = pd.Series(u.mean(axis=1) - mu, index=mod.periods, name="gamma")
        return out

    def impacts(self, draws=1000, seed=1):
        """Direct, indirect and total effects with simulated inference.

        See :func:`aicoord.panel.effects.impacts`.
        """
        from .effects import impacts

        return impacts(self, draws=draws, seed=seed)

    def summary(self):
        """Plain-text summary table."""
        mod = self.model
        lines = [
            f"Spatial panel {mod.model.upper()} model, effects: {mod.effects}"
            + (" (Lee-Yu corrected)" if mod.lee_yu else ""),
            f"N = {self.N}, T = {self.T}, observations = {self.nobs}",
            f"log-likelihood = {self.loglik:.4f}   AIC = {self.aic:.4f}   BIC = {self.bic:.4f}",
            f"sigma2 = {self.sigma2:.6g}   R2 = {self.r2:.4f}   within R2 = {self.r2_within:.4f}",
            "",
            f"{'':>14}{'coef':>12}{'std err':>12}{'z':>9}{'P>|z|':>9}{'[0.025':>11}{'0.975]':>11}",
        ]
        ci = self.conf_int()
        for nm in self.params.index:
            lines.append(f"{nm:>14}{self.params[nm]:12.6f}{self.std_errors[nm]:12.6f}"
                         f"{self.zvalues[nm]:9.3f}{self.pvalues[nm]:9.4f}"
                         f"{ci.loc[nm, 'lower']:11.5f}{ci.loc[nm, 'upper']:11.5f}")
        return "\n".join(lines)

    def __repr__(self):
        return self.summary()
