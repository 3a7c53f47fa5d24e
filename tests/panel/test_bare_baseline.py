"""The baseline of ``benchmarks/bench_cli_panel.py``, ``benchmarks/bare_sdm.py`` (a two-way SDM in plain
numpy/scipy written without aicoord), agrees with the engine on the cigarette panel: a second,
independent computation of the estimates, standard errors and effects, and a check that the benchmark
compares like with like.  The W is given as a long ``from,to,weight`` CSV, binary and row-standardised."""

import importlib.util
import pathlib

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.panel import SpatialPanel

BARE = pathlib.Path(__file__).resolve().parents[2] / "benchmarks" / "bare_sdm.py"


@pytest.fixture(scope="module")
def bare():
    spec = importlib.util.spec_from_file_location("bare_sdm", BARE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def engine(cigar, w46):
    res = SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sdm", effects="twoways"
    ).fit()
    return res, res.impacts(draws=1000, seed=1)


@pytest.mark.parametrize("form", ["binary", "row-standardised"])
@pytest.mark.parametrize("eigen", ["dense", "banded"])
def test_bare_script_agrees_with_engine(bare, engine, cigar, w46, tmp_path, tol, form, eigen):
    res, imp = engine
    cigar[["state", "year", "logc", "logp", "logy"]].to_csv(tmp_path / "panel.csv", index=False)
    ids = sorted(cigar["state"].unique())
    w = w46 if form == "binary" else w46 / w46.sum(axis=1, keepdims=True)
    r, c = np.nonzero(w)
    pd.DataFrame({"from": np.array(ids)[r], "to": np.array(ids)[c], "weight": w[r, c]}).to_csv(
        tmp_path / "w.csv", index=False, float_format="%.12g"
    )
    units, y, x = bare.read_panel(tmp_path / "panel.csv")
    raw, wr = bare.read_weights(tmp_path / "w.csv", units)
    ev = bare.eigenvalues(raw, wr, eigen)
    assert not np.iscomplexobj(ev)  # the bare script also finds the symmetric similar matrix
    params, cov, ll, bounds = bare.fit(y, x, wr, ev)
    names = ["logp", "logy", "W*logp", "W*logy", "rho"]
    # the bare line search stops at about 1e-8 in rho (scipy's bounded Brent), the engine solves the score
    assert_allclose(params, res.params[names].to_numpy(), rtol=0, atol=1e-6)
    assert_allclose(np.sqrt(np.diag(cov)), res.std_errors[names].to_numpy(), rtol=1e-5)
    assert_allclose(ll, res.loglik, rtol=1e-10)
    eff, eff_se = bare.effects(params, cov, ev, 2, 1000, 7, bounds)
    for a, kind in enumerate(("direct", "indirect", "total")):
        for j, v in enumerate(("logp", "logy")):
            assert_allclose(eff[a, j], imp.loc[(v, kind), "estimate"], rtol=0, atol=tol.IMPACT)
            assert_allclose(eff_se[a, j], imp.loc[(v, kind), "se"], rtol=tol.IMPACT_SE_REL)
