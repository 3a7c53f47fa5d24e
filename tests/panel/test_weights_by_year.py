"""A different weights matrix per year versus exact ML in R spatialreg with the block-diagonal
NT x NT matrix (1963-77: cigar_w46.csv, 1978-92: cigar_w46_alt.csv); reference made by
tests/fixtures/panel/make_reference_byyear.R.  The log-Jacobian is the sum over years and the
effects are the averages over years (R: dense S matrices of the stacked model)."""

import pytest
from numpy.testing import assert_allclose

from aicoord.panel import SpatialPanel

R_NAME = {"W_logp": "W*logp", "W_logy": "W*logy"}


@pytest.fixture(scope="module")
def setup(cigar, w46, w46_alt, r_byyear_reference):
    assert (w46 != w46_alt).any()
    wby = {y: (w46 if y <= 77 else w46_alt) for y in sorted(cigar["year"].unique())}
    return wby, r_byyear_reference


@pytest.mark.parametrize("key", ["sar_twoways", "sdm_individual"])
def test_by_year_matches_r(cigar, setup, tol, key):
    wby, ref = setup
    model, effects = key.split("_")
    res = SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=wby, model=model, effects=effects
    ).fit()
    r = ref[key]
    names = [R_NAME.get(k, k) for k in r["coef"]]
    assert_allclose(res.params[names].to_numpy(), list(r["coef"].values()), rtol=0, atol=tol.COEF)
    assert_allclose(res.std_errors[names].to_numpy(), list(r["se"].values()), rtol=0, atol=tol.SE)
    assert_allclose(res.loglik, r["loglik"], rtol=0, atol=tol.LOGLIK)
    imp = res.impacts(draws=100, seed=1)
    for var in ("logp", "logy"):
        for kind in ("direct", "indirect", "total"):
            assert_allclose(imp.loc[(var, kind), "estimate"], r["impacts"][var][kind], rtol=0, atol=tol.IMPACT)
