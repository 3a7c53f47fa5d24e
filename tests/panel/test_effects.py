"""Direct, indirect and total effects: for the SLX and SDEM they are the coefficients, with exact
linear standard errors.  (SAR/SDM effects versus R: test_cigar_vs_r.py, test_vs_spreg.py,
test_weights_by_year.py and test_published.py.)"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.panel import SpatialPanel


def _fit(cigar, w46, model, effects):
    return SpatialPanel(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46,
                        model=model, effects=effects).fit()


def test_slx_sdem_effects_are_coefficients(cigar, w46):
    res = _fit(cigar, w46, "sdem", "twoways")
    imp = res.impacts()
    assert_allclose(imp.loc[("logp", "direct"), "estimate"], res.params["logp"])
    assert_allclose(imp.loc[("logp", "indirect"), "estimate"], res.params["W*logp"])
    v = res.cov.loc[["logp", "W*logp"], ["logp", "W*logp"]].to_numpy()
    assert_allclose(imp.loc[("logp", "total"), "se"], np.sqrt(v.sum()))


def test_sar_total_effect_identity_and_sem_refused(cigar, w46, tol):
    """Row-standardised W: the SAR total effect is beta / (1 - rho) exactly; the SEM has no
    spillovers, so its effects are refused."""
    res = _fit(cigar, w46, "sar", "individual")
    imp = res.impacts(draws=50, seed=1)
    rho = res.params["rho"]
    for var in ("logp", "logy"):
        assert_allclose(imp.loc[(var, "total"), "estimate"], res.params[var] / (1 - rho),
                        rtol=tol.EXACT)
        assert_allclose(imp.loc[(var, "indirect"), "estimate"],
                        imp.loc[(var, "total"), "estimate"] - imp.loc[(var, "direct"), "estimate"],
                        rtol=tol.EXACT)
    with pytest.raises(InputError, match="no spillover effects"):
        _fit(cigar, w46, "sem", "individual").impacts()
