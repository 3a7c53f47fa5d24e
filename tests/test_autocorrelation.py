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
    for ours, theirs in (("C", "C"), ("EC", "EC"), ("VC_norm", "VC_norm"), ("VC_rand", "VC_rand"),
                         ("p_C_norm", "p_C_norm"), ("p_C_rand", "p_C_rand")):
        assert_allclose(res[ours], ref[theirs], rtol=RTOL_R, atol=ATOL_R, err_msg=ours)
    assert_allclose(res["z_C_norm"], -ref["z_norm_spdep"], rtol=RTOL_R)
    assert_allclose(res["z_C_rand"], -ref["z_rand_spdep"], rtol=RTOL_R)
