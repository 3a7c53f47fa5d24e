"""Moran's I, Geary's C and local Moran against R spdep 1.2.7 (tests/fixtures/esda/reference.json).

Reference made by tests/fixtures/esda/make_reference.R: moran.test(randomisation = FALSE / TRUE),
geary.test, and localmoran(mlvar = FALSE, conditional = TRUE) with row-standardised (style "W") weights, on the
seed's 2023 AI index.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from aicoord.autocorrelation import global_autocorrelation, local_moran
from aicoord.weights import build_weights, knn_weights
from helpers import ATOL_R, RTOL_R


@pytest.fixture(scope="module")
def matrices(provinces_gdf):
    return {"queen": build_weights({"kind": "queen"}, provinces_gdf), "knn4": knn_weights(4)}


@pytest.mark.parametrize("matrix", ["queen", "knn4"])
def test_global_moran_matches_spdep(matrices, spdep_reference, ai_index, matrix):
    w = matrices[matrix]
    ref = spdep_reference["results"][matrix]
    res = global_autocorrelation(ai_index.loc[w.id_order].to_numpy(), w, permutations=0)
    for key in ("I", "EI", "VI_norm", "z_norm", "p_norm", "VI_rand", "z_rand", "p_rand", "C", "VC_rand"):
        assert_allclose(res[key], ref[key], rtol=RTOL_R, atol=ATOL_R, err_msg=key)


@pytest.mark.parametrize("matrix", ["queen", "knn4"])
def test_local_moran_matches_spdep(matrices, spdep_reference, ai_index, matrix):
    w = matrices[matrix]
    ref = spdep_reference["results"][matrix]
    res = local_moran(ai_index.loc[w.id_order].to_numpy(), w, permutations=99)
    assert list(res.index) == spdep_reference["codes"]
    assert_allclose(res["Ii"], ref["Ii"], rtol=RTOL_R, atol=ATOL_R)
    assert_allclose(res["EIc"], ref["EIi"], rtol=RTOL_R, atol=ATOL_R)
    assert_allclose(res["VIc"], ref["VarIi"], rtol=RTOL_R, atol=ATOL_R)


def test_permutation_p_values_are_seeded(matrices, ai_index):
    w = matrices["queen"]
    y = ai_index.loc[w.id_order].to_numpy()
    a = global_autocorrelation(y, w, permutations=999, seed=7)
    b = global_autocorrelation(y, w, permutations=999, seed=7)
    c = global_autocorrelation(y, w, permutations=999, seed=8)
    assert a == b  # same seed: every statistic, the permutation ones included, is the same
    assert (a["p_sim"], a["EI_sim"], a["z_sim"]) != (c["p_sim"], c["EI_sim"], c["z_sim"])  # another seed differs
    la = local_moran(y, w, permutations=999, seed=7)
    lb = local_moran(y, w, permutations=999, seed=7)
    assert la.equals(lb)


def test_quadrants_and_clusters(matrices, ai_index):
    w = matrices["queen"]
    y = ai_index.loc[w.id_order].to_numpy()
    res = local_moran(y, w, permutations=999, seed=1)
    hi, lag_hi = res["z_value"] > 0, res["lag_z"] > 0
    expected = np.select([hi & lag_hi, ~hi & lag_hi, ~hi & ~lag_hi], ["HH", "LH", "LL"], "HL")
    assert (res["quadrant"].to_numpy() == expected).all()
    sig = res["p_sim"] <= 0.05
    assert (res.loc[sig, "cluster"] == res.loc[sig, "quadrant"]).all()
    assert (res.loc[~sig, "cluster"] == "Not significant").all()
    fdr = local_moran(y, w, permutations=999, seed=1, fdr=True)
    assert fdr["threshold"].iloc[0] <= 0.05
    assert (fdr["cluster"] != "Not significant").sum() <= sig.sum()


def test_bad_values_rejected(matrices):
    w = matrices["queen"]
    with pytest.raises(ValueError, match="constant"):
        global_autocorrelation(np.ones(31), w, permutations=0)
    with pytest.raises(ValueError, match="missing"):
        global_autocorrelation(np.r_[np.nan, np.arange(30.0)], w, permutations=0)


@pytest.mark.parametrize("matrix", ["queen", "knn4"])
def test_geary_p_values_match_spdep(matrices, ai_index, matrix):
    """Geary's C moments and its two-sided normal and randomisation p-values equal R spdep::geary.test
    (alternative = "two.sided"; tests/fixtures/esda/geary_reference.json, made by make_geary_reference.R).
    spdep's z is (EC - C) / sd, the opposite sign of esda's."""
    import json

    from helpers import FIXTURES

    ref = json.loads((FIXTURES / "esda/geary_reference.json").read_text())["results"][matrix]
    w = matrices[matrix]
    res = global_autocorrelation(ai_index.loc[w.id_order].to_numpy(), w, permutations=0)
    for ours, theirs in (
        ("C", "C"),
        ("EC", "EC"),
        ("VC_norm", "VC_norm"),
        ("VC_rand", "VC_rand"),
        ("p_C_norm", "p_C_norm"),
        ("p_C_rand", "p_C_rand"),
    ):
        assert_allclose(res[ours], ref[theirs], rtol=RTOL_R, atol=ATOL_R, err_msg=ours)
    assert_allclose(res["z_C_norm"], -ref["z_norm_spdep"], rtol=RTOL_R)
    assert_allclose(res["z_C_rand"], -ref["z_rand_spdep"], rtol=RTOL_R)


# ---------------------------------------------------------------- independent dense computations


def _dense(w):
    """Raw (binary) weights as a dense array in ``w.id_order``, whatever ``w.transform`` is."""
    from libpysal.weights import W

    return np.asarray(
        W(w.neighbors, w.transformations["O"], id_order=w.id_order, silence_warnings=True).full()[0], dtype=float
    )


def _getis_ord_g(y, wmat):
    """General G and its randomisation moments, Getis and Ord (1992, Geographical Analysis 24(3),
    pp. 189-206, eqs. 4, 6 and the appendix's E[G^2]), from the raw weights."""
    n = len(y)
    off = ~np.eye(n, dtype=bool)
    g = (wmat * np.outer(y, y)).sum() / np.outer(y, y)[off].sum()
    s0 = wmat.sum()
    s1 = 0.5 * ((wmat + wmat.T) ** 2).sum()
    s2 = ((wmat.sum(1) + wmat.sum(0)) ** 2).sum()
    eg = s0 / (n * (n - 1))
    m1, m2, m3, m4 = (np.sum(y**k) for k in (1, 2, 3, 4))
    b0 = (n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0**2
    b1 = -((n * n - n) * s1 - 2 * n * s2 + 6 * s0**2)
    b2 = -(2 * n * s1 - (n + 3) * s2 + 6 * s0**2)
    b3 = 4 * (n - 1) * s1 - 2 * (n + 1) * s2 + 8 * s0**2
    b4 = s1 - s2 + s0**2
    eg2 = (b0 * m2**2 + b1 * m4 + b2 * m1**2 * m2 + b3 * m1 * m3 + b4 * m1**4) / (
        (m1**2 - m2) ** 2 * n * (n - 1) * (n - 2) * (n - 3)
    )
    return g, eg, eg2 - eg**2


def test_general_g_equals_getis_ord_and_its_permutation_variance(matrices, ai_index):
    from scipy import stats

    w = matrices["queen"]
    y = ai_index.loc[w.id_order].to_numpy()
    res = global_autocorrelation(y, w, permutations=0)
    g, eg, vg = _getis_ord_g(y, _dense(w))  # binary (raw) weights: G is not row-standardised
    assert_allclose([res["G"], res["EG"], res["VG"]], [g, eg, vg], rtol=1e-10)
    z = (g - eg) / np.sqrt(vg)
    assert_allclose(res["z_G"], z, rtol=1e-10)
    assert_allclose(res["p_G"], 2 * stats.norm.sf(abs(z)), rtol=1e-10)  # two-sided
    # the closed form above is itself checked by brute force: 20,000 random permutations of y give
    # G's variance within 3% (its Monte Carlo standard error is about 1%)
    rng = np.random.default_rng(0)
    perms = rng.permuted(np.tile(y, (20_000, 1)), axis=1)
    sims = np.einsum("pi,ij,pj->p", perms, _dense(w), perms)
    denom = np.outer(y, y)[~np.eye(len(y), dtype=bool)].sum()
    assert np.var(sims / denom) == pytest.approx(vg, rel=0.03)


def test_general_g_is_nan_for_negative_values(matrices, ai_index):
    w = matrices["queen"]
    y = ai_index.loc[w.id_order].to_numpy()
    y = y - y.mean()  # some negative values
    res = global_autocorrelation(y, w, permutations=9)
    assert all(np.isnan(res[k]) for k in ("G", "EG", "VG", "z_G", "p_G", "p_G_sim"))
    assert np.isfinite(res["I"]) and np.isfinite(res["p_sim"])


@pytest.mark.parametrize("standardize", [True, False])
def test_moran_and_geary_equal_their_definitions(matrices, ai_index, standardize):
    """I = (n / S0) z'Wz / z'z and C = (n - 1) sum w_ij (y_i - y_j)^2 / (2 S0 z'z) with the raw
    (standardize=False) or row-standardised weights."""
    from scipy import stats

    w = matrices["queen"]  # row sums 1 to 9: the raw and the row-standardised forms differ
    y = ai_index.loc[w.id_order].to_numpy()
    wm = _dense(w)
    if standardize:
        wm = wm / wm.sum(axis=1, keepdims=True)
    n, s0 = len(y), wm.sum()
    z = y - y.mean()
    moran = n / s0 * z @ wm @ z / (z @ z)
    geary = (n - 1) * (wm * (y[:, None] - y[None, :]) ** 2).sum() / (2 * s0 * (z @ z))
    res = global_autocorrelation(y, w, permutations=0, standardize=standardize)
    assert_allclose(res["I"], moran, rtol=1e-12)
    assert_allclose(res["C"], geary, rtol=1e-12)
    assert res["EI"] == pytest.approx(-1 / (n - 1), rel=1e-12)
    assert res["EC"] == 1.0
    # normal-approximation moments under normality (Cliff and Ord 1981): S1, S2 of the weights used
    s1 = 0.5 * ((wm + wm.T) ** 2).sum()
    s2 = ((wm.sum(1) + wm.sum(0)) ** 2).sum()
    vi = (n * n * s1 - n * s2 + 3 * s0**2) / (s0**2 * (n * n - 1)) - 1 / (n - 1) ** 2
    assert_allclose(res["VI_norm"], vi, rtol=1e-10)
    assert_allclose(res["z_norm"], (moran + 1 / (n - 1)) / np.sqrt(vi), rtol=1e-10)
    assert_allclose(res["p_norm"], 2 * stats.norm.sf(abs(res["z_norm"])), rtol=1e-10)
    vc = ((2 * s1 + s2) * (n - 1) - 4 * s0**2) / (2 * (n + 1) * s0**2)
    assert_allclose(res["VC_norm"], vc, rtol=1e-10)
    assert_allclose(res["z_C_norm"], (geary - 1) / np.sqrt(vc), rtol=1e-10)
    assert_allclose(res["p_C_norm"], 2 * stats.norm.sf(abs(res["z_C_norm"])), rtol=1e-10)
    other = global_autocorrelation(y, w, permutations=0, standardize=not standardize)
    assert abs(other["I"] - res["I"]) > 0.01 and abs(other["C"] - res["C"]) > 0.01


def test_results_are_invariant_to_the_scale_of_the_variable(matrices, ai_index):
    w = matrices["queen"]
    y = ai_index.loc[w.id_order].to_numpy()
    base = global_autocorrelation(y, w, permutations=99, seed=3)
    for factor in (1e160, 1e-160, 3.0):
        res = global_autocorrelation(y * factor, w, permutations=99, seed=3)
        for key in ("I", "z_norm", "z_rand", "p_sim", "C", "z_C_rand", "G", "z_G", "p_G_sim"):
            assert_allclose(res[key], base[key], rtol=1e-12, err_msg=f"{key} at {factor:g}")
    big = local_moran(y * 1e160, w, permutations=99, seed=3)
    assert_allclose(big["Ii"], local_moran(y, w, permutations=99, seed=3)["Ii"], rtol=1e-12)


def test_input_errors_name_the_problem(matrices):
    from aicoord.errors import InputError

    w = matrices["queen"]
    y = np.arange(31.0)
    cases = [
        (
            lambda: global_autocorrelation(np.arange(30.0), w, permutations=0),
            "30 values but the weights matrix has 31 units",
        ),
        (
            lambda: global_autocorrelation(np.r_[np.inf, y[1:]], w, permutations=0),
            "the variable has missing or infinite values",
        ),
        (
            lambda: global_autocorrelation(np.zeros(31), w, permutations=0),
            "the variable is constant; spatial autocorrelation is undefined",
        ),
        (
            lambda: global_autocorrelation(np.full(31, -2.5), w, permutations=0),
            "the variable is constant; spatial autocorrelation is undefined",
        ),
        (lambda: global_autocorrelation(y, w, permutations=-1), "the number of permutations must be between 0 and"),
        (lambda: local_moran(y, w, permutations=0), "the number of permutations must be between 1 and"),
        (
            lambda: local_moran(y, w, permutations=99, alpha=1.0),
            "the significance level must lie strictly between 0 and 1, not 1.0",
        ),
        (
            lambda: local_moran(y, w, permutations=99, alpha=0),
            "the significance level must lie strictly between 0 and 1, not 0",
        ),
        (
            lambda: local_moran(y, w, permutations=99, alpha="0.05"),
            "the significance level must lie strictly between 0 and 1, not '0.05'",
        ),
    ]
    for call, message in cases:
        with pytest.raises(InputError) as info:
            call()
        assert str(info.value).startswith(message), (str(info.value), message)
    assert len(local_moran(y, w, permutations=99, alpha=0.5)) == 31  # inside (0, 1): accepted


def test_non_finite_results_are_refused():
    from aicoord.autocorrelation import _refuse_non_finite
    from aicoord.errors import EstimationError

    _refuse_non_finite({"I": 0.3, "z": np.array([1.0, 2.0])}, "Moran's I")  # finite: nothing
    with pytest.raises(EstimationError) as info:
        _refuse_non_finite({"I": 0.3, "z": np.array([1.0, np.nan]), "p": np.inf}, "Moran's I")
    assert str(info.value).startswith("Moran's I gave non-finite values (z, p)")


@pytest.mark.parametrize("standardize", [True, False])
def test_local_moran_columns_equal_their_definitions(matrices, ai_index, standardize):
    w = matrices["queen"]  # unequal row sums: row-standardising changes every Ii
    y = ai_index.loc[w.id_order].to_numpy()
    wm = _dense(w)
    if standardize:
        wm = wm / wm.sum(axis=1, keepdims=True)
    z = (y - y.mean()) / y.std()
    res = local_moran(y, w, permutations=99, seed=2, standardize=standardize)
    assert_allclose(res["z_value"], z, rtol=1e-12)
    assert_allclose(res["lag_z"], wm @ z, rtol=1e-12, atol=1e-14)
    # Anselin (1995): I_i = z_i sum_j w_ij z_j / (z'z / (n - 1)) with esda's n - 1 scaling
    n = len(y)
    assert_allclose(res["Ii"], (n - 1) * z * (wm @ z) / (z @ z), rtol=1e-12)
    assert_allclose(res["z_c"], (res["Ii"] - res["EIc"]) / np.sqrt(res["VIc"]), rtol=1e-12)
    assert list(res.index) == list(w.id_order) and res.index.name == "code"
    assert (res["threshold"] == 0.05).all()


def test_fdr_threshold_is_benjamini_hochberg(matrices, ai_index):
    w = matrices["queen"]
    y = ai_index.loc[w.id_order].to_numpy()
    plain = local_moran(y, w, permutations=999, seed=1)
    for alpha in (0.05, 0.3):
        res = local_moran(y, w, permutations=999, seed=1, alpha=alpha, fdr=True)
        p = np.sort(plain["p_sim"].to_numpy())
        n = len(p)
        k = [i for i in range(1, n + 1) if p[i - 1] < i * alpha / n]
        expected = max(k) * alpha / n if k else alpha / n  # esda: Bonferroni when nothing passes
        assert res["threshold"].iloc[0] == pytest.approx(expected, rel=1e-12)
        sig = res["p_sim"] <= expected
        assert (res.loc[sig, "cluster"] == res.loc[sig, "quadrant"]).all()
        assert (res.loc[~sig, "cluster"] == "Not significant").all()


def test_esda_permutation_kernels_are_cached_on_disk():
    """aicoord enables numba's on-disk cache for esda's permutation kernels (each workflow job would
    otherwise compile them again)."""
    import esda.crand
    import esda.moran
    from numba.core.dispatcher import Dispatcher

    import aicoord.autocorrelation  # noqa: F401
    from aicoord.autocorrelation import UNCACHED_KERNELS

    kernels = {
        name: obj for mod in (esda.crand, esda.moran) for name, obj in vars(mod).items() if isinstance(obj, Dispatcher)
    }
    assert len(kernels) > 5 and UNCACHED_KERNELS <= set(kernels)
    cached = {name for name, k in kernels.items() if k._cache.__class__.__name__ != "NullCache"}
    # every kernel but the one whose argument is a function: numba can neither reload that signature nor,
    # once another process wrote the cache, save a new one (ReferenceError: underlying object has vanished)
    assert cached == set(kernels) - {"compute_chunk"}


def test_the_callers_weights_keep_their_transform(ai_index):
    """esda row-standardises a W in place; the functions restore the caller's transform, and General G
    uses the original weights also when the caller's matrix is row-standardised."""
    from aicoord.weights import knn_weights

    w = knn_weights(4)
    y = ai_index.loc[w.id_order].to_numpy()
    raw = global_autocorrelation(y, w, permutations=0)
    assert w.transform == "O"
    local_moran(y, w, permutations=9)
    assert w.transform == "O"
    w.transform = "r"
    res = global_autocorrelation(y, w, permutations=0, standardize=False)
    assert w.transform == "R"
    assert res["G"] == raw["G"] and res["EG"] == raw["EG"] == 4 * 31 / (31 * 30)
    local_moran(y, w, permutations=9, standardize=False)
    assert w.transform == "R"


def test_permutation_outputs_against_an_independent_permutation_distribution(matrices):
    """p_sim (Moran) and p_C_sim (Geary) are folded pseudo p-values, (min(#sims >= stat, #sims < stat) + 1)
    / (permutations + 1); on a weakly autocorrelated variable each lies within Monte Carlo error of the
    same quantity from 20,000 independent permutations (binomial SE about 0.016 for 999 permutations)."""
    w = matrices["queen"]
    wm = _dense(w)
    wr = wm / wm.sum(axis=1, keepdims=True)
    y = np.random.default_rng(11).normal(size=31) + 5.0
    res = global_autocorrelation(y, w, permutations=999, seed=4)
    assert (res["n"], res["permutations"], res["seed"]) == (31, 999, 4)
    n = len(y)

    def moran(v):  # rows of v: permutations of y
        z = v - v.mean(axis=-1, keepdims=True)
        return n / wr.sum() * np.einsum("pi,ij,pj->p", z, wr, z) / (z * z).sum(axis=-1)

    def geary(v):  # sum_ij w_ij (v_i - v_j)^2 = sum_i v_i^2 (row sum + column sum)_i - 2 v'Wv
        z = v - v.mean(axis=-1, keepdims=True)
        cross = v * v @ (wr.sum(axis=1) + wr.sum(axis=0)) - 2 * np.einsum("pi,ij,pj->p", v, wr, v)
        return (n - 1) * cross / (2 * wr.sum() * (z * z).sum(axis=-1))

    binary = (wm > 0).astype(float)

    def general_g(v):  # on the binary links; the denominator does not change under permutation
        return np.einsum("pi,ij,pj->p", v, binary, v) / (np.outer(y, y).sum() - (y * y).sum())

    perms = np.random.default_rng(1).permuted(np.tile(y, (20_000, 1)), axis=1)
    for stat, key in ((moran, "p_sim"), (geary, "p_C_sim"), (general_g, "p_G_sim")):
        sims = stat(perms)
        observed = stat(y[None, :])[0]
        larger = (sims >= observed).sum()
        folded = (min(larger, len(sims) - larger) + 1) / (len(sims) + 1)
        assert 0.05 < folded < 0.5  # a case where one- and two-sided differ
        assert res[key] == pytest.approx(folded, abs=0.06), key
    assert res["EI_sim"] == pytest.approx(-1 / (n - 1), abs=0.01)
    none = global_autocorrelation(y, w, permutations=0)
    assert all(np.isnan(none[k]) for k in ("p_sim", "EI_sim", "z_sim", "p_C_sim", "p_G_sim"))
    assert none["permutations"] == 0 and none["seed"] == 12345


def test_general_g_uses_the_binary_links_in_the_weights_order(provinces_gdf, ai_index):
    """General G of a matrix with unequal link strengths, an unsorted id order and an island (Hainan,
    unlinked) equals Getis and Ord's G of its binary pattern; a zero value is allowed (G needs y >= 0);
    no warning is issued."""
    import warnings

    from libpysal.weights import W

    queen = build_weights({"kind": "queen", "island_links": {}}, provinces_gdf)
    assert queen.neighbors["460000"] == []
    rng = np.random.default_rng(8)
    order = list(rng.permutation(queen.id_order))
    strengths = {i: list(rng.uniform(0.5, 3.0, len(queen.neighbors[i]))) for i in queen.id_order}
    weighted = W(
        {i: queen.neighbors[i] for i in order}, {i: strengths[i] for i in order}, id_order=order, silence_warnings=True
    )
    y = ai_index.loc[order].to_numpy()
    y = y - y.min()  # one zero
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = global_autocorrelation(y, weighted, permutations=0)
    binary = (_dense(weighted) > 0).astype(float)
    g, eg, vg = _getis_ord_g(y, binary)
    assert_allclose([res["G"], res["EG"], res["VG"]], [g, eg, vg], rtol=1e-10)


def test_default_permutations_are_the_fields_99999():
    import inspect

    for f in (global_autocorrelation, local_moran):
        assert inspect.signature(f).parameters["permutations"].default == 99_999


def test_z_sim_agrees_with_the_randomisation_z(matrices, ai_index):
    """z_sim = (I - mean of the permuted I) / their SD; with 9,999 permutations it lies within a few
    percent of the analytic randomisation z (the SD of 9,999 draws is within about 1.5%)."""
    w = matrices["queen"]
    y = ai_index.loc[w.id_order].to_numpy()
    res = global_autocorrelation(y, w, permutations=9_999, seed=2)
    assert res["z_rand"] > 2
    assert res["z_sim"] == pytest.approx(res["z_rand"], rel=0.06)


def test_inputs_as_python_objects_give_the_float_results(matrices, ai_index):
    """A variable that arrives as an object array (numbers from a mixed-type column) gives the float results, and
    the counts stay integers in the output (it is written to JSON)."""
    w = matrices["queen"]
    y = ai_index.loc[w.id_order].to_numpy()
    ref = global_autocorrelation(y, w, permutations=0)
    got = global_autocorrelation(np.array(list(y), dtype=object), w, permutations=0)
    assert got["I"] == ref["I"] and got["C"] == ref["C"] and got["G"] == ref["G"]
    assert_allclose(
        local_moran(np.array(list(y), dtype=object), w, permutations=99)["Ii"],
        local_moran(y, w, permutations=99)["Ii"],
        rtol=0,
        atol=0,
    )
    assert all(type(got[k]) is int for k in ("n", "permutations", "seed"))


def test_non_finite_lisa_and_moran_name_the_statistics(matrices, ai_index, monkeypatch):
    """What the refusal of a non-finite result names: the statistic and, for the LISA, its columns."""
    import aicoord.autocorrelation as ac

    seen = []
    monkeypatch.setattr(ac, "_refuse_non_finite", lambda values, what: seen.append((sorted(values), what)))
    w = matrices["queen"]
    y = ai_index.loc[w.id_order].to_numpy()
    local_moran(y, w, permutations=9)
    global_autocorrelation(y, w, permutations=9)
    assert seen[0] == (["Ii", "lag_z", "p_sim", "z_value"], "local Moran")
    assert [what for _, what in seen[1:]][:1] == ["Moran's I"]
