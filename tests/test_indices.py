"""Tests of the composite indices: hand-computed entropy weights and invariance properties."""

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.indices import entropy_weight, equal_weight, minmax_normalize, pca_index


def small():
    return pd.DataFrame({"code": ["a", "b", "c"], "year": [2020] * 3, "x1": [1.0, 2.0, 3.0], "x2": [10.0, 20.0, 40.0]})


def test_entropy_hand_case_no_shift():
    # x1 positive -> (0, .5, 1), p = (0, 1/3, 2/3); x2 negative -> (1, 2/3, 0), p = (.6, .4, 0)
    e1 = -(1 / 3 * math.log(1 / 3) + 2 / 3 * math.log(2 / 3)) / math.log(3)
    e2 = -(0.6 * math.log(0.6) + 0.4 * math.log(0.4)) / math.log(3)
    w1 = (1 - e1) / ((1 - e1) + (1 - e2))
    w2 = 1 - w1
    r = entropy_weight(small(), ["x1"], ["x2"], shift=0.0)
    assert_allclose(r.weights["entropy"], [e1, e2], rtol=1e-14)
    assert_allclose(r.weights["weight"], [w1, w2], rtol=1e-14)
    assert_allclose(r.index["index"], [w2 * 1, w1 * 0.5 + w2 * 2 / 3, w1 * 1], rtol=1e-14)
    assert list(r.weights["direction"]) == [1, -1]


def test_entropy_hand_case_with_shift():
    d = 1e-4
    z1 = np.array([0, 0.5, 1]) + d
    z2 = np.array([1, 2 / 3, 0]) + d
    e = [-(z / z.sum() * np.log(z / z.sum())).sum() / math.log(3) for z in (z1, z2)]
    w = (1 - np.array(e)) / (2 - sum(e))
    r = entropy_weight(small(), ["x1"], ["x2"])  # default shift 1e-4
    assert_allclose(r.weights["weight"], w, rtol=1e-13)
    assert_allclose(r.index["index"], w[0] * z1 + w[1] * z2, rtol=1e-13)


def test_minmax_direction_and_constant_column():
    X = pd.DataFrame({"a": [1.0, 3.0], "b": [5.0, 5.0]})
    Z = minmax_normalize(X, pd.Series({"a": -1, "b": 1}), shift=0.5)
    assert_allclose(Z.to_numpy(), [[1.5, 0.5], [0.5, 0.5]], rtol=0, atol=0)


def panel(seed=0):
    rng = np.random.default_rng(seed)
    n, years = 8, [2020, 2021, 2022]
    df = pd.DataFrame({"code": np.tile([f"u{i}" for i in range(n)], 3), "year": np.repeat(years, n)})
    for c in ("a", "b", "c"):
        df[c] = rng.lognormal(size=len(df))
    return df


@pytest.mark.parametrize("by_year", [False, True])
def test_entropy_invariances(by_year):
    df = panel()
    r = entropy_weight(df, ["a", "b"], ["c"], by_year=by_year)
    # positive affine rescaling of an indicator changes nothing
    df2 = df.assign(a=3 * df["a"] + 7, c=0.01 * df["c"] - 2)
    r2 = entropy_weight(df2, ["a", "b"], ["c"], by_year=by_year)
    assert_allclose(r2.index["index"], r.index["index"], rtol=1e-12)
    assert_allclose(r2.weights["weight"], r.weights["weight"], rtol=1e-12)
    # a negative indicator c equals the positive indicator -c
    r3 = entropy_weight(df.assign(c=-df["c"]), ["a", "b", "c"], by_year=by_year)
    assert_allclose(r3.index["index"], r.index["index"], rtol=1e-12)
    # permuting rows permutes the index
    perm = np.random.default_rng(1).permutation(len(df))
    r4 = entropy_weight(df.iloc[perm], ["a", "b"], ["c"], by_year=by_year)
    assert_allclose(r4.index["index"], r.index["index"].to_numpy()[perm], rtol=1e-12)
    w = r.weights.groupby("year")["weight"].sum()
    assert_allclose(w, 1.0, rtol=1e-14)


def test_entropy_by_year_equals_single_year_pooled():
    df = panel()
    r = entropy_weight(df, ["a", "b", "c"], by_year=True)
    one = df[df["year"] == 2021]
    r1 = entropy_weight(one, ["a", "b", "c"])
    assert_allclose(r.index.loc[df["year"].to_numpy() == 2021, "index"], r1.index["index"], rtol=1e-13)
    assert set(r.weights["year"]) == {2020, 2021, 2022}


def test_entropy_constant_indicator_gets_zero_weight():
    df = small().assign(x3=5.0)
    r = entropy_weight(df, ["x1", "x3"], ["x2"])
    assert r.weights.set_index("indicator").loc["x3", "weight"] == 0.0
    with pytest.raises(InputError):
        entropy_weight(small().assign(x3=5.0), ["x3"])


def test_equal_weight():
    r = equal_weight(small(), ["x1"], ["x2"])
    assert_allclose(r.index["index"], [(0 + 1) / 2, (0.5 + 2 / 3) / 2, (1 + 0) / 2], rtol=1e-14)
    assert_allclose(r.weights["weight"], [0.5, 0.5], rtol=0)


def test_pca_against_svd_and_invariances():
    df = panel(2)
    r = pca_index(df, ["a", "b"], ["c"])
    X = df[["a", "b", "c"]].to_numpy() * [1, 1, -1]
    Z = (X - X.mean(0)) / X.std(0)
    _, sv, vt = np.linalg.svd(Z, full_matrices=False)  # independent route: SVD
    v = vt[0] * np.sign(vt[0].sum())
    assert_allclose(r.weights["loading"], v, rtol=1e-10)
    assert_allclose(r.index["index"], Z @ v, rtol=1e-10, atol=1e-12)
    assert_allclose(r.weights["explained"].iloc[0], sv[0] ** 2 / (sv**2).sum(), rtol=1e-12)
    assert r.weights["loading"].sum() > 0
    r2 = pca_index(df.assign(a=100 * df["a"] + 1), ["a", "b"], ["c"])
    assert_allclose(r2.index["index"], r.index["index"], rtol=1e-10, atol=1e-12)


def test_bad_inputs():
    with pytest.raises(InputError):
        entropy_weight(small().assign(x1=[1, None, 3]), ["x1"])
    with pytest.raises(InputError):
        entropy_weight(small(), ["x1"], ["x1"])
    with pytest.raises(InputError):
        pca_index(small().assign(x3=1.0), ["x1", "x3"])
