"""Spatial weights matrices for China's provinces, built with libpysal.

Every builder returns the *raw* (unstandardised) :class:`libpysal.weights.W` with the province codes as
ids, in reference-table order; :func:`standardize` row-standardises a copy. Kinds:

``queen`` / ``rook``
    Contiguity of the AMap polygons. Hainan has no land border; by default it is linked to Guangdong
    (the convention of most provincial studies), configurable through ``island_links``; below the provinces,
    ``island_links: nearest`` links every unit without a land border to its nearest unit.
``knn``
    The k nearest provincial capitals on the great circle (below the provinces: unit centroids, see
    :func:`aicoord.geometry.load_units`).
``distance``
    Inverse great-circle distance between capitals (or centroids), ``d_ij ** -power``, zero beyond an
    optional cutoff.
``economic``
    ``1 / |g_i - g_j|`` with ``g`` the mean real GDP per capita over the study period.
``nested``
    Economic–geographic nested weights: ``phi * W_d + (1 - phi) * W_e`` of the row-standardised
    distance and economic matrices (``form="convex"``), or ``W_d @ diag(g / mean(g))`` (``form="scaled"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import EstimationError, InputError
from .provinces import province_table

if TYPE_CHECKING:  # annotations only: libpysal is imported where a W is built
    from libpysal.weights import W

__all__ = [
    "EARTH_RADIUS_KM",
    "DEFAULT_ISLAND_LINKS",
    "SPEC_DEFAULTS",
    "full_spec",
    "great_circle_km",
    "capital_coords",
    "contiguity_weights",
    "knn_weights",
    "distance_weights",
    "economic_weights",
    "nested_weights",
    "build_weights",
    "standardize",
    "to_dense_frame",
    "from_dense",
    "weights_summary",
    "dense_w",
]

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088

#: Hainan (460000) is linked to Guangdong (440000) by default.
DEFAULT_ISLAND_LINKS = {"460000": ["440000"]}

#: Options of every kind and their defaults (the one place they are set; see :func:`full_spec`).
SPEC_DEFAULTS = {
    "island_links": DEFAULT_ISLAND_LINKS,
    "k": 4,
    "power": 1,
    "cutoff_km": None,
    "phi": 0.5,
    "form": "convex",
}


def full_spec(spec: dict) -> dict:
    """A weights specification with every option set (:data:`SPEC_DEFAULTS` for those not given)."""
    return {**SPEC_DEFAULTS, **spec}


def capital_coords(codes=None, coords=None) -> np.ndarray:
    """Longitude/latitude (degrees) of the provincial capitals, shape ``(n, 2)``, in ``codes`` order.

    ``coords`` (a frame with columns ``lon``, ``lat`` indexed by code) gives the locations of other units
    instead (prefecture or county centroids, :func:`aicoord.geometry.load_units`)."""
    if coords is not None:
        codes = list(coords.index) if codes is None else list(codes)
        return coords.loc[codes, ["lon", "lat"]].to_numpy(dtype=float)
    table = province_table().set_index("code")
    codes = list(table.index) if codes is None else list(codes)
    return table.loc[codes, ["capital_lon", "capital_lat"]].to_numpy(dtype=float)


def great_circle_km(lonlat: np.ndarray) -> np.ndarray:
    """Great-circle distances (haversine, km) between all pairs of ``(lon, lat)`` points."""
    lon, lat = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def from_dense(mat: np.ndarray, ids, *, sparse: bool = False) -> W:
    """A raw libpysal W from a dense N×N array and its ids (zeros are not links); with ``sparse=True`` an
    :class:`aicoord.weights_sparse.Weights` instead (no Python dictionaries: a full matrix of 2,847 units
    is 8.1 million links, over 1 GB as a libpysal W)."""
    import scipy.sparse as sp

    if sparse:
        from .weights_sparse import Weights

        m = sp.csr_matrix(mat)
        m.eliminate_zeros()
        m.sort_indices()
        return Weights(m, list(ids))
    from libpysal.weights import WSP

    w = WSP(sp.csr_matrix(mat), id_order=list(ids)).to_W(silence_warnings=True)
    w.transform = "O"
    return w


def contiguity_weights(gdf, kind: str = "queen", island_links=None) -> W:
    """Binary contiguity weights of provincial polygons.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Polygons with a ``code`` column (see :func:`aicoord.geometry.load_provinces`).
    kind : {"queen", "rook"}
    island_links : dict, "nearest" or None
        ``{code: [codes]}`` links added symmetrically for units without a land border. ``None`` uses
        :data:`DEFAULT_ISLAND_LINKS` (Hainan–Guangdong); ``{}`` adds none, leaving Hainan an island;
        ``"nearest"`` links every unit without a land border to the unit whose polygon is nearest to it,
        symmetrically.

    Returns
    -------
    libpysal.weights.W
        Binary, symmetric, ids = province codes.
    """
    from libpysal.weights import W

    ids, neighbors = contiguity_neighbors(gdf, kind, island_links)
    return W(neighbors, id_order=ids, silence_warnings=True)


def contiguity_neighbors(gdf, kind: str = "queen", island_links=None) -> tuple[list, dict]:
    """The ids and ``{id: [neighbour ids]}`` of :func:`contiguity_weights`, without libpysal (whose import
    alone takes longer than the whole command ``aicoord weights --kind queen`` now does).

    Parameters and errors as :func:`contiguity_weights`; neighbours are listed in the order of ``gdf``.
    """
    if kind not in ("queen", "rook"):
        raise InputError(f"kind must be 'queen' or 'rook', not {kind!r}")
    ids = list(gdf["code"])
    land = _land_contiguity(gdf, kind)
    links = DEFAULT_ISLAND_LINKS if island_links is None else island_links
    if links == "nearest":
        links = _nearest_links(gdf, ids, land)
    neighbors = {k: list(v) for k, v in land.items()}
    for a, targets in links.items():
        for b in targets:
            for i, j in ((a, b), (b, a)):
                if i not in neighbors or j not in neighbors:
                    raise InputError(
                        f"island link {a}–{b}: unknown unit code",
                        hint="name units of the study's level (island_links: nearest links "
                        "every unit without a land border to its nearest unit)",
                    )
                if j not in neighbors[i]:
                    neighbors[i].append(j)
    pos = {c: n for n, c in enumerate(ids)}
    return ids, {i: sorted(neighbors[i], key=pos.__getitem__) for i in ids}


def shared_boundary_pairs(geoms, kind: str = "queen") -> set:
    """Pairs ``(i, j)``, ``i < j``, of the polygons ``geoms`` (shapely, in order) that share a vertex (queen)
    or an edge (rook, two consecutive boundary vertices) at exactly equal coordinates.

    The criterion of libpysal's ``Queen`` and ``Rook.from_dataframe`` (``ContiguityWeightsLists``), edges taken
    as libpysal takes them (consecutive vertices of a polygon's boundary coordinates, its rings one after the
    other), with sorting in place of its Python dictionaries of vertex tuples: 0.1 s instead of 2.5 s for the
    provinces' 774,000 vertices.
    """
    import shapely

    coords, owner = shapely.get_coordinates(np.asarray(list(geoms), dtype=object), return_index=True)
    if kind == "rook":
        same = owner[:-1] == owner[1:]
        a, b = coords[:-1][same], coords[1:][same]
        swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
        keys = np.hstack([np.where(swap[:, None], b, a), np.where(swap[:, None], a, b)])
        owner = owner[:-1][same]
    else:
        keys = coords
    order = np.lexsort((owner, *keys.T[::-1]))
    keys, owner = keys[order], owner[order]
    new = np.r_[True, np.any(keys[1:] != keys[:-1], axis=1) | (owner[1:] != owner[:-1])]
    keys, owner = keys[new], owner[new]  # each (location, polygon) once
    pairs = set()
    d = 1
    while d < len(keys):  # a location shared by m polygons: its run of m rows gives all pairs at offsets < m
        same = np.flatnonzero(np.all(keys[d:] == keys[:-d], axis=1))
        if not len(same):
            break
        pairs.update((min(i, j), max(i, j)) for i, j in zip(owner[same].tolist(), owner[same + d].tolist()))
        d += 1
    return pairs


_CONTIGUITY: dict = {}


def _land_contiguity(gdf, kind: str) -> dict:
    """``{code: [codes]}`` of :func:`shared_boundary_pairs`, computed once per process for the same polygons
    (keyed by a hash of their codes and WKB)."""
    import hashlib

    h = hashlib.blake2b(digest_size=20)
    h.update("\x1f".join(map(str, gdf["code"])).encode())
    for geom in gdf.geometry.to_wkb():
        h.update(geom)
    key = (kind, h.hexdigest())
    if key not in _CONTIGUITY:
        if len(_CONTIGUITY) >= 4:
            _CONTIGUITY.pop(next(iter(_CONTIGUITY)))
        ids = list(gdf["code"])
        nb = {i: [] for i in ids}
        for i, j in sorted(shared_boundary_pairs(gdf.geometry, kind)):
            nb[ids[i]].append(ids[j])
            nb[ids[j]].append(ids[i])
        _CONTIGUITY[key] = nb
    return {k: list(v) for k, v in _CONTIGUITY[key].items()}


def _nearest_links(gdf, ids, neighbors) -> dict:
    """``{island: [nearest unit]}`` for every unit of ``ids`` without a neighbour in ``neighbors``: the unit
    whose polygon is nearest to the island's (shortest distance between the boundaries, in the equal-area
    projection), e.g. 舟山 (Zhoushan) -> 宁波 (Ningbo)."""
    from .geometry import CHINA_ALBERS

    islands = [i for i in ids if not neighbors[i]]
    if not islands:
        return {}
    proj = gdf.to_crs(CHINA_ALBERS).set_index("code").geometry
    out = {}
    for i in islands:
        d = proj.distance(proj.loc[i]).drop(index=i)
        out[i] = [str(d.idxmin())]
    return out


def knn_weights(k: int = 4, codes=None, coords=None) -> W:
    """k-nearest-neighbour weights between provincial capitals on the great circle.

    Parameters
    ----------
    k : int
        Number of neighbours (1 ≤ k < n).
    codes : sequence of str, optional
        Province codes (default: all 31 in reference order; the units of ``coords`` when given).
    coords : pandas.DataFrame, optional
        ``lon``, ``lat`` by code: locations of units other than the provinces (see :func:`capital_coords`).

    Returns
    -------
    libpysal.weights.W
        Binary, generally asymmetric.
    """
    codes = _codes(codes, coords)
    if not 1 <= int(k) < len(codes):
        raise InputError(f"k must be between 1 and {len(codes) - 1}, not {k}")
    from libpysal.weights import KNN, W

    w = KNN.from_array(capital_coords(codes, coords), k=int(k), ids=codes, radius=EARTH_RADIUS_KM)
    pos = {c: i for i, c in enumerate(codes)}
    return W({i: sorted(w.neighbors[i], key=pos.__getitem__) for i in codes}, id_order=codes, silence_warnings=True)


def _codes(codes, coords):
    if codes is not None:
        return list(codes)
    return list(coords.index) if coords is not None else list(province_table()["code"])


def distance_weights(
    power: float = 1.0, cutoff_km: float | None = None, codes=None, coords=None, *, sparse: bool = False
) -> W:
    """Inverse great-circle distance weights ``d_ij ** -power`` between provincial capitals.

    Parameters
    ----------
    power : float
        1 for inverse distance, 2 for inverse squared distance.
    cutoff_km : float, optional
        Pairs farther apart get weight 0.
    codes : sequence of str, optional
    coords : pandas.DataFrame, optional
        ``lon``, ``lat`` by code (see :func:`knn_weights`).

    Returns
    -------
    libpysal.weights.W
        Symmetric, unstandardised.

    Raises
    ------
    InputError
        When two units have the same coordinates.
    """
    codes = _codes(codes, coords)
    d = great_circle_km(capital_coords(codes, coords))
    same = np.argwhere(np.triu(d == 0, 1))
    if len(same):
        i, j = same[0]
        raise InputError(
            f"units {codes[i]} and {codes[j]} have the same coordinates: their inverse distance is infinite",
            hint="check the units' coordinates (each unit needs its own location)",
        )
    with np.errstate(divide="ignore"):
        mat = np.where(d > 0, d ** -float(power), 0.0)
    if cutoff_km is not None:
        mat[d > cutoff_km] = 0.0
    np.fill_diagonal(mat, 0.0)
    return from_dense(mat, codes, sparse=sparse)


def economic_weights(gdp_pc_mean: pd.Series, *, sparse: bool = False) -> W:
    """Economic-distance weights ``1 / |g_i - g_j|`` from mean GDP per capita.

    Parameters
    ----------
    gdp_pc_mean : pandas.Series
        Mean real GDP per capita over the study period, indexed by province code.

    Returns
    -------
    libpysal.weights.W
        Symmetric, unstandardised.

    Raises
    ------
    ValueError
        If two provinces have identical means (the weight would be infinite).
    """
    g = gdp_pc_mean.to_numpy(dtype=float)
    diff = np.abs(g[:, None] - g[None, :])
    np.fill_diagonal(diff, np.inf)
    if np.any(diff == 0):
        i, j = np.argwhere(diff == 0)[0]
        raise InputError(
            f"provinces {gdp_pc_mean.index[i]} and {gdp_pc_mean.index[j]} have identical "
            "mean GDP per capita; economic distance weights are undefined"
        )
    return from_dense(1.0 / diff, gdp_pc_mean.index, sparse=sparse)


def nested_weights(
    w_dist: W,
    w_econ: W,
    gdp_pc_mean: pd.Series | None = None,
    *,
    phi: float = 0.5,
    form: str = "convex",
    sparse: bool = False,
) -> W:
    """Economic–geographic nested weights.

    Parameters
    ----------
    w_dist, w_econ : libpysal.weights.W
        Geographic and economic weights with the same ids.
    gdp_pc_mean : pandas.Series, optional
        Needed for ``form="scaled"``.
    phi : float
        Weight of the geographic matrix in ``form="convex"``.
    form : {"convex", "scaled"}
        ``convex``: ``phi * R(W_d) + (1 - phi) * R(W_e)`` with R row standardisation.
        ``scaled``: ``W_d @ diag(g / mean(g))``, distance weights scaled by relative income.
    """
    ids = w_dist.id_order
    wd = _full(w_dist)
    if form == "convex":
        we = _full(w_econ)
        mat = phi * wd / wd.sum(1, keepdims=True) + (1 - phi) * we / we.sum(1, keepdims=True)
    elif form == "scaled":
        if gdp_pc_mean is None:
            raise InputError("form='scaled' needs gdp_pc_mean")
        g = gdp_pc_mean.loc[ids].to_numpy(dtype=float)
        mat = wd * (g / g.mean())[None, :]
    else:
        raise InputError(f"form must be 'convex' or 'scaled', not {form!r}")
    return from_dense(mat, ids, sparse=sparse)


def _full(w) -> np.ndarray:
    """The N×N array of a libpysal W or an :class:`aicoord.weights_sparse.Weights`."""
    return w.dense() if hasattr(w, "restrict") else w.full()[0]


def build_weights(spec: dict, gdf=None, gdp_pc_mean=None, coords=None, *, sparse: bool = False) -> W:
    """Build a raw weights matrix from a configuration entry.

    Parameters
    ----------
    spec : dict
        ``{"kind": "queen"|"rook"|"knn"|"distance"|"economic"|"nested", ...}`` with the options of
        the builder of that kind (``island_links``, ``k``, ``power``, ``cutoff_km``, ``phi``, ``form``).
    gdf : GeoDataFrame, optional
        Needed for contiguity.
    gdp_pc_mean : pandas.Series, optional
        Needed for economic and nested weights.
    coords : pandas.DataFrame, optional
        Unit locations (``lon``, ``lat`` by code) for the distance-based kinds below the provinces;
        default: the provincial capitals.
    sparse : bool
        Return the full kinds (distance, economic, nested) as an :class:`aicoord.weights_sparse.Weights`
        (the same numbers, without a libpysal W's dictionaries), and the others as libpysal W.
    """
    spec = full_spec(spec)
    kind = spec["kind"]
    if kind in ("queen", "rook"):
        return contiguity_weights(gdf, kind, spec["island_links"])
    if kind == "knn":
        return knn_weights(spec["k"], coords=coords)
    if kind == "distance":
        return distance_weights(spec["power"], spec["cutoff_km"], coords=coords, sparse=sparse)
    if kind in ("economic", "nested"):
        if gdp_pc_mean is None:
            raise InputError(f"'{kind}' weights need GDP per capita from a panel")
        we = economic_weights(gdp_pc_mean, sparse=sparse)
        if kind == "economic":
            return we
        wd = distance_weights(spec["power"], spec["cutoff_km"], list(gdp_pc_mean.index), coords=coords, sparse=sparse)
        return nested_weights(wd, we, gdp_pc_mean, phi=spec["phi"], form=spec["form"], sparse=sparse)
    raise InputError(f"unknown weights kind {kind!r}")


def standardize(w: W) -> W:
    """Return a row-standardised copy of ``w`` (libpysal transform ``"R"``)."""
    from libpysal.weights import W

    out = W(w.neighbors, w.weights, id_order=w.id_order, silence_warnings=True)
    out.transform = "R"
    return out


def to_dense_frame(w: W) -> pd.DataFrame:
    """N×N DataFrame of ``w`` with province codes as index and columns (index name ``code``)."""
    mat, ids = w.full()
    return pd.DataFrame(mat, index=pd.Index(ids, name="code"), columns=ids)


def dense_w(w, ids, *, standardize: bool = True) -> np.ndarray:
    """Dense weights in the order of ``ids`` (str), row-standardised unless ``standardize=False``.

    Parameters
    ----------
    w : aicoord.weights_sparse.Weights, pandas.DataFrame, libpysal.weights.W or numpy.ndarray
        A :class:`~aicoord.weights_sparse.Weights` is restricted and standardised sparse
        (:func:`aicoord.weights_sparse.row_standardise`, the same numbers) and only then made dense. A DataFrame has ids as index and columns; an array is taken to be in the order of ``ids``
        (sorted ids); a libpysal W is expanded with ``full()``. Rows and columns of ids not in
        ``ids`` are dropped *before* standardising, so a raw matrix restricted to a sub-sample is
        re-standardised on the remaining units.
    """
    ids = [str(i) for i in ids]
    if hasattr(w, "restrict") and hasattr(w, "row_standardised"):  # aicoord.weights_sparse.Weights
        w = w.restrict(ids)
        return (w.row_standardised() if standardize else w).sparse.toarray(order="F")
    if hasattr(w, "full") and hasattr(w, "id_order"):
        mat, order = w.full()
        pos = {str(k): i for i, k in enumerate(order)}
        sel = [pos[i] for i in ids]
        mat = np.asarray(mat, float)[np.ix_(sel, sel)]
    elif isinstance(w, pd.DataFrame):
        df = w.copy()
        df.index = df.index.map(str)
        df.columns = df.columns.map(str)
        mat = df.loc[ids, ids].to_numpy(dtype=float)
    else:
        mat = np.asarray(w, dtype=float)
        if mat.shape != (len(ids), len(ids)):
            raise ValueError(f"weights array is {mat.shape}, expected {len(ids)} x {len(ids)} in sorted-id order")
    if standardize:
        rs = mat.sum(axis=1, keepdims=True)
        if np.any(rs <= 0):
            isl = [ids[i] for i in np.flatnonzero(rs[:, 0] <= 0)][:5]
            raise EstimationError(
                f"the weights have a unit without neighbours (an island) in this sample: {', '.join(map(str, isl))}",
                hint="its neighbours were dropped; link it to another unit (island_links) or use another matrix",
            )
        mat = mat / rs
    return mat


def weights_summary(w: W, name: str) -> dict:
    """Summary of a raw weights matrix: size, links, neighbour counts, islands, components, asymmetry."""
    from scipy.sparse.csgraph import connected_components

    mat = w.sparse.tocsr()
    card = np.diff((mat != 0).astype(int).tocsr().indptr) if mat.nnz else np.zeros(w.n, int)
    n_comp, _ = connected_components(mat, directed=True, connection="weak")
    asym = (mat != 0) != (mat.T != 0)
    return {
        "matrix": name,
        "n": w.n,
        "links": int(mat.nnz),
        "pct_nonzero": 100.0 * mat.nnz / w.n**2,
        "min_neighbours": int(card.min()),
        "mean_neighbours": float(card.mean()),
        "max_neighbours": int(card.max()),
        "islands": int((card == 0).sum()),
        "island_ids": ";".join(i for i, c in zip(w.id_order, card) if c == 0),
        "components": int(n_comp),
        "asymmetric_links": int(asym.nnz),
        "symmetric_values": bool(abs(mat - mat.T).max() < 1e-12) if mat.nnz else True,
    }
