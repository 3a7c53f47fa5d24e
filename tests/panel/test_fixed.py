"""SLX, SDEM and SAC with individual and two-way fixed effects on the cigarette panel versus R,
and the recovered fixed effects versus R's dummy coefficients.

References: tests/fixtures/panel/cigar_reference_extra.json from make_reference_extra.R (stats::lm
for the SLX with ML variance RSS/n; spatialreg::errorsarlm with the WX columns for the SDEM;
spatialreg::sacsarlm for the SAC), all on the dummy-variable stacked model.  SAC standard errors:
both sides use the analytic (expected) information matrix of Anselin (1988).  The SAR, SDM and SEM
are compared in test_cigar_vs_r.py.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from aicoord.panel import SpatialPanel

R_NAME = {"W_logp": "W*logp", "W_logy": "W*logy"}


def _fit(cigar, w46, model, effects):
    return SpatialPanel(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46,
                        model=model, effects=effects).fit()


@pytest.mark.parametrize("model", ["slx", "sdem", "sac"])
@pytest.mark.parametrize("effects", ["individual", "twoways"])
def test_models_match_r(cigar, w46, r_extra_reference, tol, model, effects):
    ref = r_extra_reference[f"{model}_{effects}"]
    res = _fit(cigar, w46, model, effects)
    names = [R_NAME.get(k, k) for k in ref["coef"]]
    assert sorted(names) == sorted(res.params.index)
    assert_allclose(res.params[names].to_numpy(), list(ref["coef"].values()), rtol=0,
                    atol=tol.COEF)
    se_ref = [ref["se"][k] for k in ref["coef"]]
    assert_allclose(res.std_errors[names].to_numpy(), se_ref, rtol=0, atol=tol.SE)
    assert_allclose(res.loglik, ref["loglik"], rtol=0, atol=tol.LOGLIK)
    assert_allclose(res.sigma2, ref["sigma2"], rtol=tol.SIGMA2_REL)


@pytest.mark.parametrize("effects", ["individual", "twoways"])
def test_fixed_effects_match_r_dummies(cigar, w46, r_extra_reference, effects):
    """Recovered effects: mu + alpha_i + gamma_t equals R's intercept + state + year dummies."""
    res = _fit(cigar, w46, "sar", effects)
    ref = np.array(r_extra_reference[f"fe_sar_{effects}"]["effect"])  # N x T
    fe = res.fixed_effects
    if effects == "individual":
        ours = np.repeat(fe["individual"].to_numpy()[:, None], 30, axis=1)
    else:
        ours = fe["mu"] + fe["individual"].to_numpy()[:, None] + fe["time"].to_numpy()[None, :]
    assert_allclose(ours, ref, rtol=0, atol=1e-5)
