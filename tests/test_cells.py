"""Cells of an input table (aicoord.cells): missing cells and exactly read numbers, the column-wise functions
equal to the cell-wise ones."""

import numpy as np
import pandas as pd
import pytest

from aicoord.cells import NA_STRINGS, exact_float, floats, is_na, na_mask

CELLS = [None, float("nan"), "", "  ", "NA", " n/a ", "NULL", "None", "#N/A", "nan", "0", 0.0, "x", "1e3", "-2.5", 7]


def test_missing_cells_are_the_stated_ones_in_any_case_and_spacing():
    assert [is_na(c) for c in CELLS] == [True] * 10 + [False] * 6
    for text in NA_STRINGS:
        assert is_na(text.upper()) and is_na(f" {text} ")
    assert not is_na("0") and not is_na("nana") and not is_na(0)


def test_the_mask_of_a_column_is_the_cells_one_by_one():
    column = pd.Series(CELLS, dtype=object)
    assert na_mask(column).tolist() == [is_na(c) for c in CELLS]


def test_numbers_are_read_bit_for_bit_and_a_bad_cell_is_nan():
    """A value written with 17 significant digits reads back exactly (the reference is the float itself)."""
    rng = np.random.default_rng(0)
    values = rng.standard_normal(200) * 10.0 ** rng.integers(-8, 9, 200)
    texts = pd.Series([f"{v:.17g}" for v in values], dtype=object)
    assert np.array_equal(floats(texts), values)
    assert np.array_equal([exact_float(t) for t in texts], values)
    assert exact_float(" 0.1 ") == 0.1 and np.isnan(exact_float("1,5")) and np.isnan(exact_float(None))


@pytest.mark.parametrize(
    "cells, want",
    [
        (["1", " 2.5", "3e2", 4], [1.0, 2.5, 300.0, 4.0]),
        (["1", None, "nan"], [1.0, np.nan, np.nan]),
        (["1", "two"], None),
        (["1", "1,5"], None),
    ],
)
def test_a_column_reads_as_the_cells_or_not_at_all(cells, want):
    got = floats(pd.Series(cells, dtype=object))
    if want is None:
        assert got is None
        assert np.isnan([exact_float(c) for c in cells]).any()  # the slow path finds the bad cell
    else:
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal([exact_float(c) for c in cells], want)


def test_whole_numbers_and_what_is_not_one():
    from aicoord.cells import whole_number

    assert [whole_number(v) for v in ("2021", 2021.0, " 7 ", "-3", "1e3", 2**40)] == [2021, 2021, 7, -3, 1000, 2**40]
    assert [whole_number(v) for v in ("2021.5", "x", "", " NA ", None, float("nan"), "inf", "2,021")] == [None] * 8
