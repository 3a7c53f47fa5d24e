"""Tests of the coupling coordination degree against hand-computed values."""

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.coordination import CLASSES, coordination_class, coupling_coordination
from aicoord.errors import InputError


def test_two_subsystems_hand_values():
    # U=(.4,.9): C = 2*sqrt(.36)/1.3 = 12/13, T = .65, D = sqrt(12/13*.65) = sqrt(.6)
    r = coupling_coordination([[0.4, 0.9]])
    assert_allclose(r[["C", "T", "D"]].to_numpy()[0], [12 / 13, 0.65, math.sqrt(0.6)], rtol=1e-14)
    assert r["class"].iloc[0] == 8 and r["label_zh"].iloc[0] == "中级协调"
    assert r["label_en"].iloc[0] == "intermediate coordination"


def test_three_subsystems_hand_values():
    # U=(.2,.4,.8): GM = .064**(1/3) = .4, C = 3*.4/1.4 = 6/7, T = 1.4/3, D = sqrt(.4)
    r = coupling_coordination([[0.2, 0.4, 0.8]])
    assert_allclose(r[["C", "T", "D"]].to_numpy()[0], [6 / 7, 1.4 / 3, math.sqrt(0.4)], rtol=1e-14)
    assert r["class"].iloc[0] == 7 and r["label_zh"].iloc[0] == "初级协调"


def test_unequal_alpha():
    r = coupling_coordination([[0.4, 0.9]], alpha=[0.3, 0.7])
    assert_allclose(r["T"].iloc[0], 0.3 * 0.4 + 0.7 * 0.9, rtol=1e-14)
    assert_allclose(r["D"].iloc[0], math.sqrt(12 / 13 * 0.75), rtol=1e-14)


def test_boundaries_and_equal_scores():
    # equal scores give C=1 and D=sqrt(U): D = .3, .5 and 1 sit exactly on class bounds
    r = coupling_coordination(np.array([[0.09, 0.09], [0.25, 0.25], [1.0, 1.0], [0.0, 0.5], [0.0, 0.0]]))
    assert_allclose(r["C"], [1, 1, 1, 0, 0], rtol=0, atol=1e-15)
    assert_allclose(r["D"], [0.3, 0.5, 1.0, 0.0, 0.0], rtol=1e-15)
    assert list(r["class"]) == [4, 6, 10, 1, 1]
    assert list(r["label_zh"]) == ["轻度失调", "勉强协调", "优质协调", "极度失调", "极度失调"]


def test_class_intervals_left_closed():
    d = np.array(
        [0.0, 0.0999999, 0.1, 0.45, 0.5999999, 0.6, 0.8999, 0.9, 1.0, 0.30000000000000004, 0.29999999999999993]
    )
    assert list(coordination_class(d)) == [1, 1, 2, 5, 6, 7, 9, 10, 10, 4, 4]
    assert coordination_class(0.75) == 8
    assert [c[1] for c in CLASSES][0] == "极度失调" and CLASSES[-1][1] == "优质协调"
    assert len(CLASSES) == 10


def test_symmetry_and_range():
    rng = np.random.default_rng(3)
    U = rng.uniform(size=(50, 4))
    r1 = coupling_coordination(U)
    r2 = coupling_coordination(U[:, ::-1])
    assert_allclose(r1[["C", "T", "D"]], r2[["C", "T", "D"]], rtol=1e-14)
    assert (r1["C"] <= 1).all() and (r1["C"] >= 0).all()


def test_dataframe_index_kept_and_errors():
    df = pd.DataFrame({"ai": [0.5, 0.2], "coord": [0.5, 0.8]}, index=["北京", "西藏"])
    r = coupling_coordination(df)
    assert list(r.index) == ["北京", "西藏"]
    with pytest.raises(InputError):
        coupling_coordination([[0.5, 1.2]])
    with pytest.raises(InputError):
        coupling_coordination([[0.5]])
    with pytest.raises(InputError):
        coupling_coordination([[0.5, 0.5]], alpha=[0.6, 0.6])
