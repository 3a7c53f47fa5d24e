"""Global and local spatial autocorrelation, computed with ``esda``.

From :data:`aicoord.esda_sparse.SPARSE_MIN_N` units on (the county level), the same statistics are computed
from the sparse matrix by :mod:`aicoord.esda_sparse` (esda's formulas and permutations without a libpysal
``W``, whose dictionaries of a matrix linking every pair of counties take gigabytes); below it, esda runs.
Every function takes a libpysal ``W`` or a :class:`aicoord.weights_sparse.Weights`.

:func:`global_autocorrelation` returns Moran's I (moments under normality and randomisation and a
permutation pseudo p-value), Geary's C and Getis–Ord General G for one variable and one matrix;
:func:`local_moran` returns LISA statistics with quadrants and cluster labels.

Conventions (stated in every output table's note):

* ``p_norm`` and ``p_rand`` are two-sided normal p-values of the analytic z-scores.
* ``p_sim`` is esda's one-sided permutation pseudo p-value, ``(min(#{I_sim >= I}, P - #{I_sim >= I}) + 1) / (P + 1)``.
* Local Moran ``Ii = (n - 1) z_i (W z)_i / z'z``, equal to R ``spdep::localmoran(..., mlvar = FALSE)``.
* Quadrants: HH (high value, high neighbours), LH, LL, HL, from the sign of the centred value and of its
  spatial lag.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import esda
import numpy as np
import pandas as pd
from libpysal.weights import W

from .errors import EstimationError, InputError
from .esda_sparse import SPARSE_MIN_N, global_sparse, local_sparse, moran_sparse
from .limits import MAX_PERMUTATIONS, check_count
from .weights_io import to_libpysal

__all__ = ["global_autocorrelation", "moran_by_year", "local_moran", "QUADRANTS", "CLUSTER_LABELS", "NO_NEIGHBOURS"]

#: esda quadrant codes (``geoda_quads=False``) to labels.
QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}

#: Label of a unit without neighbours: its local Moran is 0 by construction and its pseudo p-value
#: (1 / (permutations + 1), as if significant) means nothing, so it is neither a cluster nor "not significant".
NO_NEIGHBOURS = "No neighbours"

#: Cluster labels used in tables and maps, in legend order.
CLUSTER_LABELS = ("HH", "LL", "LH", "HL", "Not significant", NO_NEIGHBOURS)


#: esda kernels left out of numba's on-disk cache: ``compute_chunk`` takes the statistic as a first-class
#: function (``stat_func``); numba cannot reload such a signature from its cache (it compiled it in every
#: process anyway, measured: LISA took as long with it cached as without) and, once another process has
#: written the cache index, saving a new signature of it fails with ``ReferenceError: underlying object has
#: vanished`` -- a LISA with another argument type (e.g. unstandardised weights) then crashed
UNCACHED_KERNELS = frozenset({"compute_chunk"})


def _cache_esda_kernels():
    """Let numba cache esda's compiled permutation kernels on disk, so that every workflow job does not
    compile them again (most of a LISA job's time). Results are unchanged: the same functions run; only
    their machine code is reused. Kernels whose signature cannot be cached (:data:`UNCACHED_KERNELS`) are
    compiled in each process as before."""
    try:
        import esda.crand
        import esda.moran
        from numba.core.dispatcher import Dispatcher
    except ImportError:  # pragma: no cover - numba is an esda dependency
        return
    for module in (esda.crand, esda.moran):
        for name, obj in vars(module).items():
            if (
                isinstance(obj, Dispatcher)
                and name not in UNCACHED_KERNELS
                and obj._cache.__class__.__name__ == "NullCache"
            ):
                obj.enable_caching()


_cache_esda_kernels()


@contextmanager
def _seeded(seed):
    """Seed numpy's global generator (esda's global Moran draws from it) and restore it afterwards."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


@contextmanager
def _keep_transform(w: W):
    """Restore ``w.transform`` afterwards: esda row-standardises the caller's weights in place, and a
    user who computes Moran's I should not find his binary matrix row-standardised afterwards."""
    transform = w.transform
    try:
        yield
    finally:
        w.transform = transform


def _route(w):
    """``(esda W, None)`` below :data:`~aicoord.esda_sparse.SPARSE_MIN_N` units, else ``(None, sparse matrix)``:
    a :class:`~aicoord.weights_sparse.Weights` becomes a libpysal W (transform ``"O"``) only when esda takes it;
    a libpysal W above the size gives its sparse matrix (the weights of its current transform)."""
    if w.n >= SPARSE_MIN_N:
        return None, w.sparse
    return (w if isinstance(w, W) else to_libpysal(w)), None


def _id_order(w) -> list:
    return list(w.id_order)


def _check(y, w) -> np.ndarray:
    """``y`` as floats divided by its largest absolute value, after checking it.

    Every statistic here is invariant to a positive rescaling of ``y`` (Moran's I, Geary's C and the
    local Moran are also invariant to a shift; General G is not, so ``y`` is only scaled, never
    centred). Dividing by the power of two just above max |y| keeps sums of squares and cross-products far
    from overflow (values of 1e160 or 1e308 would otherwise give inf or NaN inside esda) and from underflow,
    and is exact in floating point, so ordinary data give exactly the unscaled results.
    """
    y = np.asarray(y, dtype=float).ravel()
    if y.shape[0] != w.n:
        raise InputError(f"{y.shape[0]} values but the weights matrix has {w.n} units")
    if not np.all(np.isfinite(y)):
        raise InputError("the variable has missing or infinite values")
    if not np.any(w.sparse.data):
        raise InputError(
            "the weights matrix is all zero: no unit has a neighbour, so spatial autocorrelation is undefined",
            hint="check the weights file (or the cutoff that built it)",
        )
    scale = np.max(np.abs(y))
    if scale > 0:
        # a power of two: dividing by it is exact, so moderate data give bit-for-bit the same statistics
        # (and the same permutation ties) as without the rescaling
        scale = np.ldexp(1.0, int(np.frexp(scale)[1]) - 1)  # max |y| / scale lies in [1, 2)
        y = y / scale
    if scale == 0 or np.ptp(y) == 0 or np.all(y == y[0]):
        raise InputError("the variable is constant; spatial autocorrelation is undefined")
    return y


def _check_settings(permutations, alpha=None, minimum=1) -> int:
    permutations = check_count(permutations, "the number of permutations", minimum, MAX_PERMUTATIONS)
    if alpha is not None and not (isinstance(alpha, (int, float, np.floating)) and 0 < float(alpha) < 1):
        raise InputError(f"the significance level must lie strictly between 0 and 1, not {alpha!r}")
    return permutations


def _refuse_non_finite(values: dict, what: str) -> None:
    bad = [k for k, v in values.items() if not np.all(np.isfinite(np.asarray(v, dtype=float)))]
    if bad:
        raise EstimationError(
            f"{what} gave non-finite values ({', '.join(bad)})",
            hint="check the variable for extreme or near-constant values and the weights "
            "matrix for rows without neighbours",
        )


def global_autocorrelation(y, w, *, permutations: int = 99_999, seed: int = 12345, standardize: bool = True) -> dict:
    """Moran's I, Geary's C and Getis–Ord General G of one variable.

    Parameters
    ----------
    y : array_like, shape (n,)
        Values in the order of ``w.id_order``.
    w : libpysal.weights.W or aicoord.weights_sparse.Weights
        Raw (unstandardised) weights. Moran's I and Geary's C use its row-standardised form when
        ``standardize`` is true; General G (esda's) always uses the binary pattern of the links (every
        weight 1; with distance weights linking every pair, G is 1 and its z undefined) and needs
        non-negative ``y``.
    permutations : int
        Number of random permutations for the pseudo p-values (0 to
        :data:`aicoord.limits.MAX_PERMUTATIONS`; 0 gives the analytic moments only, ``p_sim`` NaN).
    seed : int
        Seed of the permutations; the same seed gives the same p-values.
    standardize : bool
        Row-standardise for Moran and Geary (transformation ``"r"``), else use ``w`` as it is (``"o"``).

    Returns
    -------
    dict
        ``I, EI, VI_norm, VI_rand, z_norm, p_norm, z_rand, p_rand, EI_sim, z_sim, p_sim`` for Moran;
        ``C, EC, VC_norm, VC_rand, z_C_norm, p_C_norm, z_C_rand, p_C_rand, p_C_sim`` for Geary;
        ``G, EG, VG, z_G, p_G, p_G_sim`` for General G (NaN when ``y`` has negative values).

    Notes
    -----
    Moments of Moran's I follow Cliff and Ord (1981); they replicate R ``spdep::moran.test`` with
    ``randomisation = FALSE`` and ``TRUE`` (see ``tests/fixtures/esda``).
    """
    permutations = _check_settings(permutations, minimum=0)  # 0: analytic moments only, p_sim NaN
    y = _check(y, w)
    w, mat = _route(w)
    if mat is not None:  # many units: from the sparse matrix (aicoord.esda_sparse), esda's draws and formulas
        with _seeded(seed):
            out = {"n": len(y), "permutations": int(permutations), "seed": int(seed)}
            out.update(global_sparse(y, mat, permutations=permutations, standardize=standardize))
        return _finish_global(out, permutations)
    tr = "r" if standardize else "o"
    with _keep_transform(w), _seeded(seed):
        mi = esda.Moran(y, w, transformation=tr, permutations=permutations, two_tailed=True)
    with _keep_transform(w), _seeded(seed):
        gc = esda.Geary(y, w, transformation=tr, permutations=permutations)
    out = {
        "n": int(w.n),
        "permutations": int(permutations),
        "seed": int(seed),
        "I": mi.I,
        "EI": mi.EI,
        "VI_norm": mi.VI_norm,
        "VI_rand": mi.VI_rand,
        "z_norm": mi.z_norm,
        "p_norm": mi.p_norm,
        "z_rand": mi.z_rand,
        "p_rand": mi.p_rand,
        "EI_sim": getattr(mi, "EI_sim", np.nan),
        "z_sim": getattr(mi, "z_sim", np.nan),
        "p_sim": getattr(mi, "p_sim", np.nan),
        "C": gc.C,
        "EC": gc.EC,
        "VC_norm": gc.VC_norm,
        "VC_rand": gc.VC_rand,
        "z_C_norm": gc.z_norm,
        "p_C_norm": 2 * gc.p_norm,
        "z_C_rand": gc.z_rand,
        "p_C_rand": 2 * gc.p_rand,
        "p_C_sim": getattr(gc, "p_sim", np.nan),
    }
    if np.all(y >= 0):
        # esda's General G is defined on the binary pattern (it sets transform "B": every link 1), so it
        # is given the binary matrix of w's links, whatever w's weights and transform are
        binary = W(w.neighbors, id_order=w.id_order, silence_warnings=True)
        with _seeded(seed):
            g = esda.G(y, binary, permutations=permutations)
        out.update(
            {
                "G": g.G,
                "EG": g.EG,
                "VG": g.VG,
                "z_G": g.z_norm,
                "p_G": 2 * g.p_norm,
                "p_G_sim": getattr(g, "p_sim", np.nan),
            }
        )
    else:
        out.update({k: np.nan for k in ("G", "EG", "VG", "z_G", "p_G", "p_G_sim")})
    return _finish_global(out, permutations)


def _finish_global(out: dict, permutations: int) -> dict:
    """Refuse non-finite Moran statistics; plain floats."""
    _refuse_non_finite(
        {
            k: out[k]
            for k in ("I", "EI", "VI_norm", "VI_rand", "z_norm", "z_rand", "C") + (("p_sim",) if permutations else ())
        },
        "Moran's I",
    )
    return {k: (float(v) if isinstance(v, (np.floating, float)) else v) for k, v in out.items()}


def moran_by_year(
    panel: pd.DataFrame, variables, weights, *, unit: str = "code", time: str = "year", standardize: bool = True
) -> pd.DataFrame:
    """Global Moran's I of each variable in each year of a long panel under each weights matrix: the year ×
    variable × matrix table that papers print (the analytic moments under normality and randomisation, as
    :func:`global_autocorrelation` gives them; no permutations, no Geary or General G).

    Parameters
    ----------
    panel : pandas.DataFrame
        Long panel, one row per unit and year.
    variables : sequence of str
        Columns (e.g. the outcome and AI).
    weights : mapping str → libpysal.weights.W or aicoord.weights_sparse.Weights
        Raw weights by name; a year's values are taken in each matrix's ``id_order`` (every id must be a
        unit of the panel in every year).
    unit, time : str
        Unit and year columns.
    standardize : bool
        Row-standardise (as :func:`global_autocorrelation`).

    Returns
    -------
    pandas.DataFrame
        One row per variable, year and matrix: ``variable``, ``year``, ``matrix``, ``n``, ``I``, ``EI``,
        ``z_norm``, ``p_norm``, ``z_rand``, ``p_rand`` (two-sided normal p-values of the analytic z-scores).
    """
    d = panel.copy()
    d[unit] = d[unit].astype(str)
    keep = ("n", "I", "EI", "z_norm", "p_norm", "z_rand", "p_rand")
    prepared = {name: _moran_matrix(w, standardize) for name, w in weights.items()}
    rows = []
    for var in variables:
        if var not in d.columns:
            raise InputError(f"the panel has no column {var!r} for Moran's I", hint="check the study's roles")
        for year, g in d.groupby(time, sort=True):
            values = g.set_index(unit)[var]
            for name, w in weights.items():
                ids = [str(i) for i in w.id_order]
                missing = [i for i in ids if i not in values.index]
                if missing:
                    raise InputError(
                        f"matrix {name!r} has units {missing[:3]} without {var!r} in {year}",
                        hint="the weights and the panel must cover the same units",
                    )
                y = _check(values.loc[ids].to_numpy(dtype=float), w)
                res = {"n": int(w.n), **_moran_alone(y, prepared[name], standardize)}
                _refuse_non_finite({k: res[k] for k in ("I", "z_rand")}, f"Moran's I of {var} in {year}")
                rows.append({"variable": var, "year": int(year), "matrix": name, **{k: float(res[k]) for k in keep}})
    return pd.DataFrame(rows)


def _moran_matrix(w, standardize: bool):
    """What :func:`_moran_alone` takes for ``w``: its esda W, or (many units) its sparse matrix standardised once
    for every year and variable, with its summaries."""
    from .esda_sparse import esda_row_standardise, summaries

    ew, mat = _route(w)
    if mat is None:
        return ew
    mat = esda_row_standardise(mat) if standardize else mat.tocsr()
    return mat, summaries(mat)


def _moran_alone(y, prepared, standardize: bool) -> dict:
    """Moran's I and its analytic moments (no permutations) of one cell of :func:`moran_by_year`."""
    if isinstance(prepared, tuple):
        mat, s = prepared
        return {k: v for k, v in moran_sparse(y, mat, s=s).items() if not k.startswith("_")}
    with _keep_transform(prepared):  # Moran alone (no Geary, no General G): one pass per cell
        mi = esda.Moran(y, prepared, transformation="r" if standardize else "o", permutations=0, two_tailed=True)
    return {k: getattr(mi, k) for k in ("I", "EI", "z_norm", "p_norm", "z_rand", "p_rand")}


def local_moran(
    y,
    w,
    *,
    permutations: int = 99_999,
    seed: int = 12345,
    alpha: float = 0.05,
    fdr: bool = False,
    standardize: bool = True,
) -> pd.DataFrame:
    """Local Moran's I (LISA) with quadrants, pseudo p-values and cluster labels.

    Parameters
    ----------
    y : array_like, shape (n,)
        Values in the order of ``w.id_order``.
    w : libpysal.weights.W or aicoord.weights_sparse.Weights
        Raw weights; row-standardised when ``standardize``.
    permutations : int
        Conditional permutations per unit (1 to :data:`aicoord.limits.MAX_PERMUTATIONS`).
    seed : int
        Seed of the permutations.
    alpha : float
        Significance level of the cluster labels.
    fdr : bool
        Use the Benjamini–Hochberg false-discovery-rate threshold (``esda.fdr``) instead of ``alpha``.
    standardize : bool
        Row-standardise ``w``.

    Returns
    -------
    pandas.DataFrame
        One row per unit (index = ``w.id_order``) with ``Ii``, ``EIc`` and ``VIc`` and ``z_c`` (analytic
        moments under conditional randomisation, Sokal et al. 1998), ``z_value`` (the standardised
        value), ``lag_z`` (its spatial lag), ``quadrant``, ``p_sim``, ``threshold`` and ``cluster``
        (the quadrant where ``p_sim <= threshold``, else ``"Not significant"``).

    Notes
    -----
    A unit without neighbours (an island of ``w``, e.g. under a distance cutoff) has ``Ii = 0`` and a spatial
    lag of 0 by construction; esda still gives it the smallest pseudo p-value, 1 / (permutations + 1), which
    would label it a significant HL or LL cluster. Such a unit gets the cluster :data:`NO_NEIGHBOURS`, its
    ``quadrant`` is empty and its ``p_sim`` NaN; it is left out of the FDR threshold, and a
    :class:`UserWarning` names the units.
    """
    permutations = _check_settings(permutations, alpha)
    y = _check(y, w)
    ids = _id_order(w)
    ew, mat = _route(w)
    if mat is not None:  # many units: from the sparse matrix, with esda's conditional permutations
        lm = local_sparse(y, mat, permutations=permutations, seed=seed, standardize=standardize)
        wz, island = lm.lag, lm.cardinalities == 0
    else:
        tr = "r" if standardize else "o"
        with _keep_transform(ew):
            lm = esda.Moran_Local(
                y, ew, transformation=tr, permutations=permutations, seed=seed, keep_simulations=True, n_jobs=1
            )
            wz = np.asarray(lm.w.sparse @ lm.z).ravel()  # lm.w is ew: its transform is restored below
        island = np.array([ew.cardinalities[i] == 0 for i in ew.id_order])
    p_sim = np.where(island, np.nan, lm.p_sim)
    threshold = float(esda.fdr(p_sim[~island], alpha)) if fdr else float(alpha)
    quad = np.where(island, "", pd.Series(lm.q).map(QUADRANTS).to_numpy())
    sig = ~island & (np.nan_to_num(p_sim, nan=1.0) <= threshold)
    # never label a map from NaNs: every statistic behind a quadrant or a cluster must be finite
    _refuse_non_finite({"Ii": lm.Is, "z_value": lm.z, "lag_z": wz, "p_sim": p_sim[~island]}, "local Moran")
    if island.any():
        lone = [str(i) for i, k in zip(ids, island) if k]
        warnings.warn(
            f"{len(lone)} unit(s) without neighbours in the weights matrix ({', '.join(lone[:10])}"
            f"{' ...' if len(lone) > 10 else ''}): labelled '{NO_NEIGHBOURS}', not tested",
            UserWarning,
            stacklevel=2,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        z_c = (lm.Is - lm.EIc) / np.sqrt(lm.VIc)
    return pd.DataFrame(
        {
            "Ii": lm.Is,
            "EIc": lm.EIc,
            "VIc": lm.VIc,
            "z_c": np.where(island, np.nan, z_c),
            "z_value": lm.z,
            "lag_z": wz,
            "quadrant": quad,
            "p_sim": p_sim,
            "threshold": threshold,
            "cluster": np.where(island, NO_NEIGHBOURS, np.where(sig, quad, "Not significant")),
        },
        index=pd.Index(ids, name="code"),
    )
