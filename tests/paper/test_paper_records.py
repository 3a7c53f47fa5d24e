"""Paper tables from results objects (aicoord.paper.records): a regression table built from a fit in memory
and from the study's file of the same fit, read back as a FitRecord or an impacts table, are the same table."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aicoord.panel import SpatialPanel
from aicoord.paper import (
    FitRecord,
    RegressionTable,
    column_from_results,
    columns_from_impacts,
    read_fit_records,
    read_impacts,
)
from aicoord.paper.study_tables import baseline_model_columns

FLAGS = {"unit_effects": True, "time_effects": True}


def _ring_panel():
    """One simulated panel (a ring of 12 units, 6 years; true rho 0.3) and its weights."""
    rng = np.random.default_rng(7)
    n, t = 12, 6
    ids = [f"u{i:02d}" for i in range(n)]
    W = np.zeros((n, n))
    for i in range(n):
        W[i, (i + 1) % n] = W[i, (i - 1) % n] = 0.5
    rows = []
    A = np.linalg.inv(np.eye(n) - 0.3 * W)
    for yr in range(t):
        x, g = rng.normal(size=n), rng.normal(size=n)
        y = A @ (0.8 * x - 0.2 * g + 0.3 * W @ x + rng.normal(scale=0.5, size=n))
        rows += [{"id": ids[i], "year": 2010 + yr, "x": x[i], "g": g[i], "y": y[i]} for i in range(n)]
    return pd.DataFrame(rows), pd.DataFrame(W, index=ids, columns=ids)


@pytest.fixture(scope="module")
def fits():
    """An SDM and a SAR of one simulated panel (a ring of 12 units, 6 years; true rho 0.3)."""
    d, w = _ring_panel()
    return {m: SpatialPanel(d, y="y", x=["x", "g"], id="id", time="year", w=w, model=m).fit() for m in ("sdm", "sar")}


def _write_columns(fits, path):
    """The fits as the study's baseline_columns.csv holds them: one row per fit and parameter, 10 digits."""
    rows = []
    for name, res in fits.items():
        for k in res.params.index:
            rows.append(
                {
                    "column": name,
                    "model": res.model.model,
                    "weights": "ring",
                    "parameter": k,
                    "estimate": res.params[k],
                    "se": res.std_errors[k],
                    "z": res.zvalues[k],
                    "p": res.pvalues[k],
                    "effects": res.model.effects,
                    "N": res.N,
                    "T": res.T,
                    "nobs": res.nobs,
                    "sigma2": res.sigma2,
                    "r2_within": res.r2_within,
                    "loglik": res.loglik,
                    "note": "Simulated data",
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False, float_format="%.10g")


def _cells(cols, variables=None):
    t = RegressionTable(cols, number=1, title="t", variables=variables, language="en", source="simulated").table()
    return [(r.kind, r.key, r.cells) for r in t.rows]


def test_a_fit_and_its_record_read_from_the_file_make_the_same_table(fits, tmp_path):
    _write_columns(fits, tmp_path / "columns.csv")
    records = read_fit_records(tmp_path / "columns.csv")
    assert list(records) == ["sdm", "sar"] and all(isinstance(r, FitRecord) for r in records.values())
    sdm = records["sdm"]
    assert list(sdm.params.index) == list(fits["sdm"].params.index)
    np.testing.assert_allclose(sdm.params, fits["sdm"].params, rtol=1e-9)  # written with 10 digits
    assert (sdm.N, sdm.T, sdm.nobs, sdm.model, sdm.weights, sdm.effects) == (12, 6, 72, "sdm", "ring", "twoways")
    from_fits = [column_from_results(r, n, flags=FLAGS) for n, r in fits.items()]
    from_file = [column_from_results(r, n, flags=FLAGS) for n, r in records.items()]
    assert _cells(from_file) == _cells(from_fits)


def test_the_baseline_columns_take_fits_or_records(fits, tmp_path):
    _write_columns(fits, tmp_path / "columns.csv")
    fit = {"ai": "x", "controls": ["g"], "effects": "twoways", "y": "y"}
    kw = dict(labels={}, language="en", weights_labels={"ring": "ring"})
    cols_r, variables, notes = baseline_model_columns(read_fit_records(tmp_path / "columns.csv"), fit, **kw)
    cols_f, variables_f, _ = baseline_model_columns(fits, fit, **kw)
    assert [c.name for c in cols_r] == ["SDM", "SAR"] == [c.name for c in cols_f]
    assert variables == variables_f == ["x", "g", "W*x", "W*g"] and notes == []
    assert _cells(cols_r, variables) == _cells(cols_f, variables)


def test_effects_columns_from_an_impacts_table_and_its_file(fits, tmp_path):
    imp = fits["sdm"].impacts(draws=200, seed=1)
    imp.reset_index().to_csv(tmp_path / "effects.csv", index=False, float_format="%.10g")
    back = read_impacts(tmp_path / "effects.csv")
    assert list(back.index) == list(imp.index)
    names = {"direct": "D", "indirect": "I", "total": "T"}
    assert _cells(columns_from_impacts(back, names=names)) == _cells(columns_from_impacts(imp, names=names))


def test_a_file_without_tests_gets_the_normal_ones_from_estimate_and_se(fits, tmp_path):
    imp = fits["sdm"].impacts(draws=200, seed=1)
    imp.reset_index().drop(columns=["z", "p"]).to_csv(tmp_path / "bare.csv", index=False, float_format="%.10g")
    back = read_impacts(tmp_path / "bare.csv")
    z = imp["estimate"] / imp["se"]
    np.testing.assert_allclose(back["z"], z, rtol=1e-9)
    np.testing.assert_allclose(back["p"], 2 * stats.norm.sf(np.abs(z)), rtol=1e-8)


@pytest.mark.quick
@pytest.mark.parametrize(
    "effects, flags",
    [
        ("twoways", {"unit_effects": True, "time_effects": True}),
        ("individual", {"unit_effects": True, "time_effects": False}),
        ("time", {"unit_effects": False, "time_effects": True}),
    ],
)
def test_column_flags_default_to_the_fixed_effects_the_model_was_fitted_with(effects, flags):
    """Without ``flags``, a column's fixed-effect rows say what the fitted model absorbed (region effects, year
    effects or both); whether controls were included is left to the caller."""
    d, w = _ring_panel()
    res = SpatialPanel(d, y="y", x=["x", "g"], id="id", time="year", w=w, model="sar", effects=effects).fit()
    assert column_from_results(res, "SAR").flags == flags


@pytest.mark.quick
@pytest.mark.parametrize(
    "language, note",
    [
        ("zh", "空间权重矩阵：W1 = 环形邻接；W2 = 两侧各两个邻居"),
        ("en", "Spatial weights: W1 = ring contiguity; W2 = two neighbours each side"),
    ],
)
def test_baseline_columns_with_two_matrices_number_them_in_the_header_and_the_note(fits, tmp_path, language, note):
    """When the baseline's columns use two matrices, each header adds W1 or W2 by the matrix's first appearance
    and the note lists the matrices' descriptions with the table language's separator."""
    _write_columns(fits, tmp_path / "columns.csv")
    g = pd.read_csv(tmp_path / "columns.csv")
    g.loc[g["column"] == "sar", "weights"] = "ring2"
    g.to_csv(tmp_path / "columns.csv", index=False)
    fit = {"ai": "x", "controls": ["g"], "effects": "twoways", "y": "y"}
    wl = {
        "zh": {"ring": "环形邻接", "ring2": "两侧各两个邻居"},
        "en": {"ring": "ring contiguity", "ring2": "two neighbours each side"},
    }[language]
    cols, _, notes = baseline_model_columns(
        read_fit_records(tmp_path / "columns.csv"), fit, labels={}, language=language, weights_labels=wl
    )
    assert [c.name for c in cols] == ["SDM W1", "SAR W2"]
    assert notes == [note]
