"""Shared pieces of the study: weights in sorted-id order, fitting, parameter draws, effects per draw.

Effects follow LeSage and Pace (2009) through the engine
(:func:`aicoord.panel.effects.effects_from_eigenvalues`). SLX: direct :math:`\\beta_k`, indirect
:math:`\\theta_k`. SEM and the non-spatial model: direct :math:`\\beta_k`, no spillover.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from ..panel.effects import effects_from_eigenvalues
from ..weights import dense_w
from ..weights_sparse import Weights

__all__ = [
    "as_row",
    "dense_w",
    "fit_panel",
    "param_draws",
    "effects_of",
    "summarise",
    "rho_bounds",
    "Spectrum",
    "spectrum",
]


def as_row(name: str, t, **extra) -> dict:
    """One tidy row from a diagnostic of :mod:`aicoord.panel`.

    The single adapter between this package and the engine's diagnostics: reads today's dicts
    (``statistic``, ``df``, ``p``) and the ``TestResult`` objects of ``aicoord.panel.diagnostics``
    (attributes ``statistic``, ``df``, ``pvalue``, ``null``).
    """
    if isinstance(t, dict):
        stat, df, p, null = t.get("statistic"), t.get("df"), t.get("p", t.get("pvalue")), t.get("null", "")
    else:
        stat, df, p, null = t.statistic, t.df, t.pvalue, getattr(t, "null", "")
    return {"test": name, "statistic": float(stat), "df": int(df), "p": float(p), "null": null or "", **extra}


class Spectrum:
    """Eigen-decomposition :math:`W = V\\,\\mathrm{diag}(\\omega)\\,V^{-1}` of a dense weights matrix,
    to evaluate :math:`S = (I-\\rho W)^{-1}(\\beta I + \\theta W)` for many parameter draws.

    With :math:`f_k = (\\beta + \\theta\\omega_k)/(1-\\rho\\omega_k)`, :math:`S = V\\mathrm{diag}(f)V^{-1}`:
    its diagonal is :math:`P f` with :math:`P = V \\circ V^{-T}`, its column sums
    :math:`((1'V)\\circ f)\\,V^{-1}` and :math:`Sx = V(f \\circ V^{-1}x)`, each O(N²) per draw instead of
    the O(N³) of a dense solve (at N = 2,847 counties: milliseconds against seconds).

    A W similar to a symmetric matrix (:func:`aicoord.panel.symmetrizer.diagonal_symmetrizer`: symmetric,
    or row-standardised symmetric) is decomposed with ``eigh`` (real, orthogonal eigenvectors);
    any other with ``eig``. When the decomposition does not reproduce W (relative error above
    ``1e-9``: a defective or ill-conditioned eigenbasis, as k-nearest-neighbour weights often have),
    ``exact`` is False and every method falls back to dense solves.

    Parameters
    ----------
    W : numpy.ndarray
        N x N weights.
    symmetrizer : "auto", numpy.ndarray or None
        ``"auto"``: :func:`aicoord.panel.wmatrix.shared_symmetrizer` (the one the engine's
        ``PanelWeights.shared`` holds for this W, else computed); an array or None as :meth:`load` passes it.

    Attributes
    ----------
    omega : numpy.ndarray
        Eigenvalues (real when W is similar to a symmetric matrix or their imaginary parts vanish).
    exact : bool
        Whether the decomposition is used (else dense solves).
    """

    def __init__(self, W, *, symmetrizer="auto"):
        import scipy.sparse as sp

        from ..panel.wmatrix import shared_symmetrizer

        W = np.array(W, dtype=float)  # a copy: the caller's array may change, the decomposition not
        self.W = W
        n = W.shape[0]
        # the symmetriser of the engine's PanelWeights for this W when a fit made one (the same function)
        auto = isinstance(symmetrizer, str) and symmetrizer == "auto"
        self._g = (shared_symmetrizer(sp.csr_matrix(W)) if n else np.ones(0)) if auto else symmetrizer
        self._parts = None
        if auto:
            # the eigenvalues alone (the bounds of rho need no more); the vectors on first use
            om = np.linalg.eigvalsh(self._similar()) if self._g is not None else np.linalg.eigvals(W)
            self.omega = om.real if np.iscomplexobj(om) and np.max(np.abs(om.imag)) < 1e-10 else om

    def _similar(self):
        """diag(g)^(1/2) W diag(g)^(-1/2), symmetric (W similar to a symmetric matrix)."""
        r = np.sqrt(self._g)
        s = (r[:, None] * self.W) / r[None, :]
        return (s + s.T) / 2

    def _decomposition(self):
        """``(eigenvalues, V, V^-1, exact)``, computed (or read from the file of :meth:`load`) once, on first use."""
        if self._parts is None and getattr(self, "_path", None) is not None:
            self._read_vectors()
        if self._parts is None:
            W, n = self.W, self.W.shape[0]
            if self._g is not None:
                r = np.sqrt(self._g)
                om, q = np.linalg.eigh(self._similar())
                self._q = q  # V and V^-1 follow from q and g (what save() writes)
                V, Vinv = q / r[:, None], q.T * r[None, :]
            else:
                om, V = np.linalg.eig(W)
                try:
                    Vinv = np.linalg.inv(V)
                except np.linalg.LinAlgError:  # no basis of eigenvectors
                    Vinv = np.full_like(V, np.nan)
            scale = max(float(np.abs(W).max()), 1.0) if n else 1.0
            err = np.abs((V * om) @ Vinv - W).max() if n else 0.0
            self._set_parts(om, V, Vinv, bool(np.isfinite(err) and err <= 1e-9 * scale))
            if getattr(self, "_cache", None) is not None:  # the cache file gets the vectors for later processes
                self.save(self._cache)
        return self._parts

    def _set_parts(self, om, V, Vinv, exact):
        self._parts = (om, V, Vinv, exact)
        self.P = V * Vinv.T
        self.u = V.sum(axis=0)  # 1'V

    def save(self, path) -> None:
        """Write what is computed to ``path`` (``.npz``, atomic), for :meth:`load` in other processes: the
        eigenvalues, and the eigenvectors once a method has needed them (a job that asks only for the bounds of rho
        does not decompose W for jobs that may never come; the first job that needs the vectors adds them)."""
        from ..io import atomic_path

        if getattr(self, "_path", None) is not None:
            self._read_vectors()
        parts = {}
        if self._parts is not None:
            om, V, Vinv, exact = self._parts
            parts = {"om": om, "exact": np.array(exact)}
            parts.update({"q": self._q} if self._g is not None else {"V": V, "Vinv": Vinv})
        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            np.savez(
                f,
                omega=self.omega,
                has_g=np.array(self._g is not None),
                g=np.array([]) if self._g is None else self._g,
                **parts,
            )

    @classmethod
    def load(cls, path, W) -> Spectrum:
        """The :class:`Spectrum` of ``W`` written by :meth:`save` (the same arrays, bit for bit). The eigenvalues
        are read at once; the eigenvectors (two to four N x N arrays) only when a method needs them, so that a
        job asking only for the bounds of rho does not hold them."""
        with np.load(path, allow_pickle=False) as z:
            out = cls(W, symmetrizer=z["g"] if bool(z["has_g"]) else None)
            out.omega = z["omega"]
            vectors = "om" in z.files
        if out.omega.shape != out.W.shape[:1]:
            raise ValueError("the cached decomposition is of another matrix")
        out._path = path if vectors else None
        return out

    def _read_vectors(self):
        """The decomposition from the file of :meth:`load` (computed instead when the file is gone or foreign)."""
        path, self._path = self._path, None
        try:
            z = np.load(path, allow_pickle=False)
        except OSError:
            return
        with z:
            first = z["q"] if self._g is not None else z["V"]
            if first.shape != self.W.shape:
                return
            if self._g is not None:
                r = np.sqrt(self._g)
                self._q = first
                V, Vinv = first / r[:, None], first.T * r[None, :]
            else:
                V, Vinv = first, z["Vinv"]
            self._set_parts(z["om"], V, Vinv, bool(z["exact"]))

    @property
    def V(self):
        """Eigenvectors (columns)."""
        return self._decomposition()[1]

    @property
    def Vinv(self):
        return self._decomposition()[2]

    @property
    def exact(self):
        """Whether the decomposition reproduces W (else the methods use dense solves)."""
        return self._decomposition()[3]

    def _f(self, rho, beta, theta):
        om = self._decomposition()[0]  # in the order of the eigenvectors
        return (beta + theta * om) / (1.0 - rho * om)

    def _dense(self, rho, beta, theta):
        n = self.W.shape[0]
        return np.linalg.solve(np.eye(n) - rho * self.W, beta * np.eye(n) + theta * self.W)

    def diagonal(self, rho, beta, theta):
        """Diagonal of S (length N)."""
        if not self.exact:
            return np.diag(self._dense(rho, beta, theta)).copy()
        return np.real(self.P @ self._f(rho, beta, theta))

    def column_sums(self, rho, beta, theta):
        """Column sums 1'S (length N): the effect of unit j's change on all units' outcomes."""
        if not self.exact:
            return self._dense(rho, beta, theta).sum(axis=0)
        return np.real((self.u * self._f(rho, beta, theta)) @ self.Vinv)

    def changes(self, rho, beta, theta, x):
        """``S x`` and ``diag(S) ∘ x`` for arrays of parameters (one entry per draw) at once: ``V^-1 x`` once,
        then two matrix products over all draws (``(F ∘ V^-1 x) V'`` and ``F P'``) instead of three
        matrix-vector products per draw.

        Returns
        -------
        (numpy.ndarray, numpy.ndarray)
            ``S x`` and ``diag(S) ∘ x``, each draws × N.
        """
        rho, beta, theta = (np.atleast_1d(np.asarray(a, dtype=float)) for a in (rho, beta, theta))
        x = np.asarray(x, dtype=float)
        if not self.exact:
            mats = [self._dense(r, b, t) for r, b, t in zip(rho, beta, theta)]
            return np.array([m @ x for m in mats]).reshape(len(rho), -1), np.array(
                [np.diag(m) * x for m in mats]
            ).reshape(len(rho), -1)
        om = self._decomposition()[0]
        F = (beta[:, None] + theta[:, None] * om[None, :]) / (1.0 - rho[:, None] * om[None, :])
        y = self.Vinv @ x
        return np.real((F * y[None, :]) @ self.V.T), np.real(F @ self.P.T) * x[None, :]

    def region_means(self, rho, beta, theta, idx):
        """Mean diagonal and mean column sum of S over the units ``idx``, for arrays of parameters (one
        entry per draw): ``mean_i∈idx S_ii = p̄·f`` with p̄ the mean of P's rows ``idx``, and the mean column
        sum ``(u∘f)·v̄`` with v̄ the mean of V^-1's columns ``idx``: O(N) per draw once p̄ and v̄ are formed.

        Returns
        -------
        (numpy.ndarray, numpy.ndarray)
            Mean direct effect and mean total effect per draw.
        """
        rho, beta, theta = (np.atleast_1d(np.asarray(a, dtype=float)) for a in (rho, beta, theta))
        idx = np.asarray(idx, dtype=int)
        if not self.exact:
            out = np.array(
                [
                    (np.mean(np.diag(s)[idx]), np.mean(s.sum(axis=0)[idx]))
                    for s in (self._dense(r, b, t) for r, b, t in zip(rho, beta, theta))
                ]
            )
            return out[:, 0], out[:, 1]
        om = self._decomposition()[0]
        F = (beta[:, None] + theta[:, None] * om[None, :]) / (1.0 - rho[:, None] * om[None, :])
        pbar = self.P[idx].mean(axis=0)
        vbar = self.Vinv[:, idx].mean(axis=1)
        return np.real(F @ pbar), np.real(F @ (self.u * vbar))

    def apply(self, rho, beta, theta, x):
        """S x for a vector x of length N."""
        if not self.exact:
            return self._dense(rho, beta, theta) @ x
        return np.real(self.V @ (self._f(rho, beta, theta) * (self.Vinv @ np.asarray(x, dtype=float))))


_SPECTRA: dict = {}
#: id of a read-only array -> (weak reference, key of _SPECTRA): a Setting's W (read-only) is hashed once
_SEEN: dict = {}


#: environment variable naming a folder where :func:`spectrum` keeps decompositions for other processes
#: (the workflow sets it to ``.cache/aicoord`` in the study folder, so that the study's jobs share them)
CACHE_ENV = "AICOORD_CACHE"


def spectrum(W) -> Spectrum:
    """The :class:`Spectrum` of ``W``, computed once per process for the two most recent matrices
    (keyed by a hash of the content), and once per run when the environment variable ``AICOORD_CACHE``
    names a folder: the decomposition is then written there as ``spectrum-<hash>.npz`` (the eigenvalues at once,
    the eigenvectors when first computed) and read by every later process with the same matrix (a file that does
    not hold this matrix is recomputed). A
    read-only array (a :class:`Setting`'s W) is hashed once: later calls with the same object reuse its key."""
    import hashlib
    import os
    import weakref
    from pathlib import Path

    seen = _SEEN.get(id(W)) if isinstance(W, np.ndarray) and not W.flags.writeable else None
    if seen is not None and seen[0]() is W and seen[1] in _SPECTRA:  # the same read-only array: no rehash
        return _SPECTRA[seen[1]]
    given = W
    W = np.ascontiguousarray(W, dtype=float)
    digest = hashlib.blake2b(W.tobytes(), digest_size=20).hexdigest()
    key = (W.shape, digest)
    if isinstance(given, np.ndarray) and not given.flags.writeable:
        if len(_SEEN) >= 8:
            _SEEN.clear()
        _SEEN[id(given)] = (weakref.ref(given), key)
    if key not in _SPECTRA:
        while len(_SPECTRA) >= 2:
            _SPECTRA.pop(next(iter(_SPECTRA)))
        folder = os.environ.get(CACHE_ENV)
        path = Path(folder) / f"spectrum-v1-{W.shape[0]}-{digest}.npz" if folder else None
        spec = None
        if path is not None and path.exists():
            try:
                spec = Spectrum.load(path, W)
            except Exception:  # a partial or foreign file: recompute and overwrite it
                spec = None
        if spec is None:
            spec = Spectrum(W)
            if path is not None and W.shape[0]:
                spec.save(path)
        if path is not None and W.shape[0]:
            spec._cache = path  # where the vectors go once computed (a file without them gets them)
        _SPECTRA[key] = spec
    return _SPECTRA[key]


def rho_bounds(W: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Eigenvalues of ``W`` and the interval (1/ω_min, 1/ω_max) of ρ."""
    om = spectrum(W).omega
    re = np.real(om)
    return 1.0 / re.min(), 1.0 / re.max(), om


def fit_panel(data, y, x, unit, time, W, model="sdm", effects="twoways", wx=None, lee_yu=False, cov=None):
    """Fit :class:`aicoord.panel.SpatialPanel` (a thin wrapper; ``W`` the sparse
    :class:`~aicoord.weights_sparse.Weights` of a :class:`Setting`, passed on unchanged, or a DataFrame);
    ``cov``: ``{"cov_type", "cluster", "dk_lag"}`` for :meth:`SpatialPanel.fit` (default: ``oim``)."""
    from ..panel import SpatialPanel

    return SpatialPanel(
        data, y=y, x=list(x), id=unit, time=time, w=W, model=model, effects=effects, wx=wx, lee_yu=lee_yu
    ).fit(**(cov or {}))


def model_kind(res) -> str:
    """``sdm``, ``sar``, ``sem``, ``slx`` (``slx`` without W-lags is the non-spatial model)."""
    return res.model.model


def param_draws(res, draws: int, rng: np.random.Generator, W: np.ndarray) -> pd.DataFrame:
    """``draws`` parameter vectors from the estimated asymptotic normal N(params, cov).

    Draws with ρ (or λ) outside the stationary interval of ``W`` are replaced by further draws
    until ``draws`` valid ones are collected. The ML point itself is not among the draws: point
    estimates are evaluated at it (see :func:`summarise`).
    """
    p = res.params
    cov = res.cov.loc[p.index, p.index].to_numpy()
    vals, vecs = np.linalg.eigh((cov + cov.T) / 2)
    root = vecs * np.sqrt(np.clip(vals, 0, None))
    lo, hi, _ = rho_bounds(W)
    sp = [c for c in ("rho", "lambda") if c in p.index]
    out, n, batches = [], 0, 0
    while n < draws:
        batches += 1
        if batches > 100:
            raise ValueError(
                f"fewer than {draws} of {100 * draws} parameter draws have rho/lambda inside "
                f"({lo:.4g}, {hi:.4g}); the fit's spatial parameter is not identified"
            )
        sims = p.to_numpy() + rng.standard_normal((int(draws), len(p))) @ root.T
        ok = np.ones(len(sims), bool)
        for c in sp:
            j = list(p.index).index(c)
            ok &= (sims[:, j] > lo) & (sims[:, j] < hi)
        out.append(sims[ok])
        n += int(ok.sum())
    return pd.DataFrame(np.vstack(out)[:draws], columns=p.index)


def effects_of(par, var: str, kind: str, omega) -> dict:
    """Direct, indirect and total effects of ``var`` for one parameter vector or a frame of draws
    (the engine's :func:`aicoord.panel.effects.effects_from_eigenvalues`).

    Parameters
    ----------
    par : pandas.Series or pandas.DataFrame
        Parameters (``var``, ``W*var``, ``rho``) at one point or one row per draw.
    kind : str
        ``sdm``, ``sar``, ``slx``, ``sem``.
    omega : numpy.ndarray
        Eigenvalues of the row-standardised W.
    """
    b = np.asarray(par[var], float)
    th = np.asarray(par[f"W*{var}"], float) if f"W*{var}" in par else np.zeros_like(b)
    rho = np.asarray(par["rho"], float) if (kind in ("sar", "sdm") and "rho" in par) else np.zeros_like(b)
    direct, indirect, total = effects_from_eigenvalues(omega, rho, b, th)
    if np.ndim(b) == 0:
        return {"direct": float(direct[0]), "indirect": float(indirect[0]), "total": float(total[0])}
    return {"direct": direct, "indirect": indirect, "total": total}


def summarise(estimate: float, sims: np.ndarray, alpha: float) -> dict:
    """Point estimate (at the ML point), simulated SE, percentile (1 − alpha) interval, z and p."""
    sims = np.asarray(sims, float)
    se = float(np.std(sims, ddof=1))
    lo, hi = np.quantile(sims, [alpha / 2, 1 - alpha / 2])
    z = estimate / se if se > 0 else np.nan
    return {
        "estimate": float(estimate),
        "se": se,
        "lower": float(lo),
        "upper": float(hi),
        "z": float(z),
        "p": float(2 * special.ndtr(-abs(z))) if np.isfinite(z) else np.nan,
    }


def direction(lower: float, upper: float) -> str:
    """``promotes`` when the interval lies wholly below 0 (AI lowers the gap), ``hinders`` when wholly
    above, else ``inconclusive``."""
    if upper < 0:
        return "promotes"
    if lower > 0:
        return "hinders"
    return "inconclusive"


class Setting:
    """Data and weights of one estimation: the panel (ids as str), sorted ids, row-standardised weights.

    ``weights`` (:class:`aicoord.weights_sparse.Weights`, sparse) is what the fits take; ``W``, the dense
    array, is made on first use only (the eigen-decomposition of the effects and the parameter draws).
    """

    def __init__(self, data: pd.DataFrame, ids: list, weights: Weights, unit: str, time: str):
        self.data, self.ids, self.weights, self.unit, self.time = data, ids, weights, unit, time
        self._W = None
        self._omega = None

    @property
    def W(self) -> np.ndarray:
        if self._W is None:  # one read-only array per Weights object, shared by the Settings made from it
            self._W = _derived(self.weights, "dense", lambda: _dense_read_only(self.weights))
        return self._W

    @property
    def Wdf(self) -> pd.DataFrame:
        return pd.DataFrame(self.W, index=self.ids, columns=self.ids)

    @property
    def omega(self) -> np.ndarray:
        """Eigenvalues of W (:func:`rho_bounds`), kept: every effect of every draw asks for them."""
        if self._omega is None:
            self._omega = rho_bounds(self.W)[2]
        return self._omega


#: (id of a Weights, what) -> (weak reference to it, what was derived from it): the fits of a job share one restricted,
#: row-standardised matrix and its dense array (a Weights is frozen and its matrix is never written to)
_DERIVED: dict = {}


def _derived(w, what, make):
    """``make()``, made once per live Weights object ``w`` and ``what`` (at most 16 kept)."""
    import weakref

    key = (id(w), what)
    hit = _DERIVED.get(key)
    if hit is not None and hit[0]() is w:
        return hit[1]
    value = make()
    if len(_DERIVED) >= 16:
        _DERIVED.clear()
    _DERIVED[key] = (weakref.ref(w), value)
    return value


def _restricted(w: Weights, ids, standardize: bool) -> Weights:
    ws = w.restrict(ids)
    return ws.row_standardised() if standardize else ws


def _dense_read_only(w: Weights) -> np.ndarray:
    a = w.sparse.toarray(order="F")  # column-major, the layout of the N x N table the study used to build
    a.setflags(write=False)  # shared by the fits and draws, never changed (spectrum() relies on it)
    return a


def setting(data: pd.DataFrame, unit: str, time: str, w, *, drop=(), standardize=True) -> Setting:
    """Restrict the panel to units not in ``drop``; W (raw or standardised) restricted, then standardised.

    ``w`` is a :class:`aicoord.weights_sparse.Weights` (kept sparse), or a DataFrame, libpysal W or array
    (:func:`dense_w`).
    """
    import scipy.sparse as sp

    d = data.copy()
    d[unit] = d[unit].astype(str)
    if isinstance(w, np.ndarray):  # an array is in the sorted order of all the panel's ids
        all_ids = sorted(d[unit].unique())
        w = pd.DataFrame(w, index=all_ids, columns=all_ids)
    drop = {str(c) for c in drop}
    d = d[~d[unit].isin(drop)].reset_index(drop=True)
    ids = sorted(d[unit].unique())
    if isinstance(w, Weights):
        ws = _derived(w, ("restricted", tuple(ids), bool(standardize)), lambda: _restricted(w, ids, standardize))
        return Setting(d, ids, ws, unit, time)
    W = dense_w(w, ids, standardize=standardize)
    st = Setting(d, ids, Weights(sp.csr_matrix(W), list(ids)), unit, time)
    st._W = W
    return st
