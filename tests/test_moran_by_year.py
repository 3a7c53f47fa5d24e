"""Moran's I by year × variable × matrix (:func:`aicoord.autocorrelation.moran_by_year`) against esda.Moran."""

import esda
import numpy as np
import pandas as pd
import pytest
from libpysal.weights import lat2W
from numpy.testing import assert_allclose

from aicoord.autocorrelation import moran_by_year
from aicoord.errors import InputError


@pytest.fixture(scope="module")
def panel():
    rng = np.random.default_rng(7)
    w = lat2W(4, 4, rook=False)
    ids = [f"u{i:02d}" for i in range(16)]
    w = type(w)({ids[k]: [ids[j] for j in v] for k, v in w.neighbors.items()}, id_order=ids[::-1])
    rows = [
        {"code": c, "year": y, "gap": rng.normal() + 0.3 * i, "ai": rng.uniform(0, 10)}
        for y in (2020, 2021, 2022)
        for i, c in enumerate(ids)
    ]
    return pd.DataFrame(rows).sample(frac=1, random_state=1), w  # rows shuffled: the ids, not the order, count


def test_one_cell_equals_esda_moran(panel):
    d, w = panel
    tab = moran_by_year(d, ["gap", "ai"], {"queen": w})
    assert len(tab) == 2 * 3 and set(tab["matrix"]) == {"queen"}
    cell = tab[(tab["variable"] == "gap") & (tab["year"] == 2021)].iloc[0]
    y = d[d["year"] == 2021].set_index("code").loc[list(w.id_order), "gap"].to_numpy()
    w.transform = "r"
    ref = esda.Moran(y, w, permutations=0, two_tailed=True)
    assert_allclose(
        [cell["I"], cell["EI"], cell["z_rand"], cell["p_rand"], cell["z_norm"]],
        [ref.I, ref.EI, ref.z_rand, ref.p_rand, ref.z_norm],
        rtol=1e-12,
    )
    assert cell["n"] == 16
    from aicoord.autocorrelation import global_autocorrelation  # checked against spdep (tests/fixtures/esda)

    w.transform = "o"
    full = global_autocorrelation(y, w, permutations=0)
    assert_allclose(
        [cell["I"], cell["z_rand"], cell["p_norm"]], [full["I"], full["z_rand"], full["p_norm"]], rtol=1e-12
    )


def test_a_unit_missing_in_a_year_is_refused(panel):
    d, w = panel
    with pytest.raises(InputError, match="without 'gap' in 2022"):
        moran_by_year(d[~((d["year"] == 2022) & (d["code"] == "u03"))], ["gap"], {"queen": w})
