"""Preparation of the panel (aicoord.panel.data): input checks with located messages, time-major
arrays in sorted id/period order, spatial lags on the raw data, the design, the within
transformation and the effective sample size."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.panel import SpatialPanel
from aicoord.panel.data import _sample_size, demean, spatial_lag


def _fit(data, w, **kw):
    args = dict(y="logc", x=["logp", "logy"], id="state", time="year", w=w, model="sar", effects="individual")
    args.update(kw)
    return SpatialPanel(data, **args)


def test_error_missing_values(cigar, w46):
    d = cigar.copy()
    d.loc[5, "logp"] = np.nan
    with pytest.raises(InputError, match="missing values"):
        _fit(d, w46)


def test_error_time_invariant_regressor(cigar, w46):
    d = cigar.copy()
    d["region"] = d["state"] % 4
    with pytest.raises(InputError, match="time-invariant"):
        _fit(d, w46, x=["logp", "region"])


def test_error_collinear(cigar, w46):
    d = cigar.copy()
    d["logp2"] = 2 * d["logp"] - d["logy"]
    with pytest.raises(InputError, match="collinear"):
        _fit(d, w46, x=["logp", "logy", "logp2"])


def test_error_weights_size(cigar, w46):
    with pytest.raises(InputError, match="45 x 45"):
        _fit(cigar, w46[:45, :45])


def test_warning_island(cigar, w46):
    w = w46.copy()
    j = np.nonzero(w[0])[0]
    w[0, :] = 0
    w[j, 0] = 0
    with pytest.warns(UserWarning, match="without neighbours"):
        _fit(cigar, w)


def test_lee_yu_individual_rescales_sigma2(cigar, w46, tol):
    base = _fit(cigar, w46).fit()
    ly = _fit(cigar, w46, lee_yu=True).fit()
    assert_allclose(ly.params.to_numpy(), base.params.to_numpy(), rtol=0, atol=1e-8)
    assert_allclose(ly.sigma2, base.sigma2 * 30 / 29, rtol=tol.EXACT)


@pytest.mark.parametrize(
    "change,match",
    [
        (
            lambda d: d[(d["state"] != d["state"].iloc[0]) | (d["year"] == 70)],
            "observed in one period only",
        ),  # unbalanced: a unit seen once under unit effects
        (lambda d: pd.concat([d, d.iloc[[0]]]), "duplicate"),
        (lambda d: d.assign(logp=d["logp"].astype(str)), "not numeric"),
        (lambda d: d.assign(logp=np.where(d.index == 3, np.inf, d["logp"])), "infinite"),
        (lambda d: d.drop(columns="logy"), r"columns not in the data: \['logy'\]"),
    ],
)
def test_error_malformed_panel(cigar, w46, change, match):
    with pytest.raises(InputError, match=match):
        _fit(change(cigar), w46)


def test_error_weights_by_year(cigar, w46):
    years = sorted(cigar["year"].unique())
    with pytest.raises(InputError, match="one matrix for every period"):
        _fit(cigar, {y: w46 for y in years[:-1]})
    other = w46.copy()  # one link fewer (matrices equal in content are one matrix, whatever the objects)
    i, j = np.argwhere(np.triu(w46) * (w46.sum(axis=1) > 1)[:, None] * (w46.sum(axis=0) > 1)[None, :])[0]
    other[i, j] = other[j, i] = 0.0
    two = {y: (w46 if y < 80 else other) for y in years}
    with pytest.raises(InputError, match="Lee-Yu correction needs one weights matrix"):
        _fit(cigar, two, lee_yu=True)


def test_arrays_are_time_major_in_sorted_order(cigar, w46):
    """Row order of the input does not matter: Y[t, i] is period t, unit i of the sorted ids."""
    ref = _fit(cigar, w46)
    shuffled = cigar.sample(frac=1.0, random_state=3)
    mod = _fit(shuffled, w46)
    assert mod.units == sorted(cigar["state"].unique()) and mod.periods == list(range(63, 93))
    assert_allclose(mod.Y, ref.Y, rtol=0, atol=0)
    row = cigar[(cigar["state"] == mod.units[4]) & (cigar["year"] == 70)]
    assert mod.Y[70 - 63, 4] == row["logc"].item()
    assert mod.X[70 - 63, 4, 1] == row["logy"].item()


def test_lags_are_taken_on_raw_data_then_demeaned(cigar, w46):
    mod = _fit(cigar, w46, model="sdm", effects="twoways")
    wr = w46 / w46.sum(axis=1, keepdims=True)
    wy = np.stack([wr @ mod.Y[t] for t in range(mod.T)])
    assert_allclose(mod.Wy, wy, rtol=1e-14)
    assert_allclose(mod.Wy, spatial_lag(mod.ws, mod.Y), rtol=0, atol=0)
    assert_allclose(mod.Wyd, demean(wy, "twoways").ravel(), rtol=1e-12, atol=1e-14)
    assert mod.znames == ["logp", "logy", "W*logp", "W*logy"]
    assert_allclose(mod.Zraw[..., 2], np.stack([wr @ mod.X[t, :, 0] for t in range(mod.T)]), rtol=1e-14)


@pytest.mark.parametrize("effects,axes", [("individual", [0]), ("time", [1]), ("twoways", [0, 1])])
def test_within_transformation(effects, axes):
    a = np.random.default_rng(2).normal(size=(5, 7, 2)) + 3.0
    d = demean(a, effects)
    for ax in axes:
        assert_allclose(d.mean(axis=ax), 0, atol=1e-14)
    assert_allclose(demean(d, effects), d, atol=1e-14)  # a projection
    assert demean(a, "none") is a


def test_sample_size():
    n, t = 46, 30
    assert _sample_size(n, t, False, "twoways") == (n * t, 1.0)
    assert _sample_size(n, t, True, "individual") == (n * (t - 1), (t - 1) / t)
    assert _sample_size(n, t, True, "twoways") == ((n - 1) * (t - 1), (t - 1) / t)
    assert _sample_size(n, t, True, "time") == ((n - 1) * t, 1.0)


def test_design_messages_name_the_problem_and_the_fix(cigar, w46):
    from aicoord.errors import InputError
    from aicoord.panel import SpatialPanel

    kw = dict(y="logc", id="state", time="year", w=w46)
    d = cigar.assign(year_mean=cigar.groupby("year")["logp"].transform("mean"), twice=2 * cigar["logp"])
    with pytest.raises(
        InputError,
        match=r"regressors \['year_mean'\] are the same for all units in a period "
        "and are wiped out by the time fixed effects",
    ) as exc:
        SpatialPanel(d, x=["logp", "year_mean"], model="sar", effects="time", **kw)
    assert exc.value.hint == "drop them"
    with pytest.raises(InputError, match="perfectly collinear") as exc:
        SpatialPanel(d, x=["logp", "twice"], model="sar", effects="individual", **kw)
    assert exc.value.hint == "drop a redundant regressor"
    with pytest.raises(InputError, match="^data must be a pandas DataFrame in long format"):
        SpatialPanel(d.to_numpy(), x=["logp"], model="sar", effects="individual", **kw)
    with pytest.raises(InputError, match="^the Lee-Yu correction for time effects needs a row-standardised W$"):
        SpatialPanel(d, x=["logp"], model="sar", effects="time", lee_yu=True, standardize=False, **kw)
    with pytest.raises(InputError, match="^the Lee-Yu correction for time effects needs a row-standardised W$"):
        SpatialPanel(d, x=["logp"], model="sar", effects="twoways", lee_yu=True, standardize=False, **kw)
    d = d.assign(state_mean=d.groupby("state")["logp"].transform("mean"))
    with pytest.raises(
        InputError,
        match=r"^regressors \['state_mean'\] are time-invariant or unit-invariant and "
        "are wiped out by the twoways fixed effects \\(drop them\\)$",
    ):
        SpatialPanel(d, x=["logp", "state_mean"], model="sar", effects="twoways", **kw)
    with pytest.raises(InputError, match=r"^regressors \['state_mean'\] are time-invariant and are wiped out"):
        SpatialPanel(d, x=["logp", "state_mean"], model="sar", effects="ind", **kw)


def test_weights_by_year_messages_and_the_island_warning_points_at_the_caller(cigar, w46):
    import os
    import warnings

    from aicoord.errors import InputError
    from aicoord.panel import SpatialPanel

    kw = dict(y="logc", x=["logp"], id="state", time="year", model="sar", effects="individual")
    years = sorted(cigar["year"].unique())
    with pytest.raises(InputError, match="by year must give one matrix for every period") as exc:
        SpatialPanel(cigar, w={y: w46 for y in years[:-1]}, **kw)
    assert exc.value.hint == "periods: [63, 64, 65]..."  # plain values, not np.int64(63)
    lonely = w46.copy()
    lonely[0, :] = lonely[:, 0] = 0.0
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        SpatialPanel(cigar, w=lonely, **kw)
    island = [r for r in rec if "units without neighbours" in str(r.message)]
    assert island
    if "MUTANT_UNDER_TEST" not in os.environ:  # mutmut's trampolines add stack frames
        assert island[0].filename == __file__  # the warning points at the user's call


def test_messages_of_infinite_values_duplicates_and_separate_weights_on_holes(cigar, w46):
    """The exact messages and the column a user is sent to."""
    inf = cigar.assign(logp=np.where(cigar.index == 3, np.inf, cigar["logp"]))
    with pytest.raises(InputError) as exc:
        _fit(inf, w46)
    assert exc.value.column == "logp" and str(exc.value) == "column 'logp': column has infinite values"
    with pytest.raises(InputError) as exc:
        _fit(pd.concat([cigar, cigar.iloc[[0]]]), w46)
    assert exc.value.column == "state" and str(exc.value) == "column 'state': duplicate (id, time) pairs"
    holes = cigar.drop(index=[3])
    for kw in ({"w_error": w46, "model": "sac"}, {"w_x": w46, "model": "sdm"}):
        with pytest.raises(InputError) as exc:
            _fit(holes, w46, **kw)
        assert str(exc.value).startswith("separate weights for the error or the W*x terms need a balanced panel")
        assert exc.value.hint == "drop w_error / w_x, or fill the panel's holes"


@pytest.mark.parametrize("scale", [1e-9, 1e9])
def test_collinearity_is_judged_on_scaled_columns(cigar, w46, scale):
    """A regressor in tiny or huge units is not collinear: the design's columns are scaled before
    its singular values are compared, and the estimates scale with the unit."""
    base = _fit(cigar, w46).fit()
    res = _fit(cigar.assign(logy=cigar["logy"] * scale), w46).fit()
    assert_allclose(res.params["logy"] * scale, base.params["logy"], rtol=1e-7)
    assert_allclose(res.params[["logp", "rho"]], base.params[["logp", "rho"]], rtol=1e-7)


def test_a_repeated_pair_with_other_values_is_a_duplicate(cigar, w46):
    """Two rows for the same (unit, year) are refused even when their values differ."""
    extra = cigar.iloc[[0]].assign(logc=cigar["logc"].iloc[0] + 1.0)
    with pytest.raises(InputError) as exc:
        _fit(pd.concat([cigar, extra]), w46)
    assert str(exc.value) == "column 'state': duplicate (id, time) pairs"


def test_separate_matrices_equal_to_w_are_w(cigar, w46):
    """``w_error`` or ``w_x`` holding the same weights as ``w`` (another object) change nothing: the model
    keeps one set of matrices, as without them."""
    mod = _fit(cigar, w46, model="sac", w_error=w46.copy(), w_x=w46.copy())
    assert mod.ws_e is mod.ws and mod.ws_x is mod.ws
    other = w46.copy()
    other[0, 1] = other[1, 0] = 0.0 if w46[0, 1] else 1.0
    assert _fit(cigar, w46, model="sac", w_error=other).ws_e is not _fit(cigar, w46, model="sac").ws


def test_messages_of_a_short_panel_a_wrong_sized_error_matrix_and_a_zero_regressor(cigar, w46):
    one = cigar[cigar["year"] == 70]
    for effects in ("individual", "twoways", "random"):
        with pytest.raises(InputError) as exc:
            _fit(one, w46, effects=effects)
        assert str(exc.value) == "individual effects need at least two periods"
    _fit(one, w46, effects="none")  # a cross-section: pooled
    with pytest.raises(InputError) as exc:
        _fit(cigar, w46, model="sem", w_error=w46[:45, :45])
    assert str(exc.value) == "w_error matrix is 45 x 45 but the panel has 46 units"
    for effects in ("none", "random"):
        with pytest.raises(InputError) as exc:
            _fit(cigar.assign(zero=0.0), w46, x=["logp", "zero"], effects=effects)
        assert str(exc.value) == "regressors ['zero'] are zero in every row (drop them)"


def test_the_dynamic_reader_names_five_units_with_holes(cigar):
    from aicoord.panel.data import read_panel

    states = sorted(cigar["state"].unique())
    holes = cigar.drop(index=cigar.index[(cigar["year"] == 70) & cigar["state"].isin(states[:7])])
    with pytest.raises(InputError) as exc:
        read_panel(holes, "state", "year", "logc", ["logp"])
    assert str(exc.value).endswith(f"(units with missing periods: {[int(s) for s in states[:5]]})")
    assert exc.value.column == "state"
