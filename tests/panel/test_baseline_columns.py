"""The baseline table's model columns (:func:`aicoord.study.models.baseline_columns`) on the cigarette panel:
SAR, SEM and SDM equal exact ML of the dummy-variable models in R spatialreg (cigar_reference.json), and the
FE OLS column equals the two-way within regression of linearmodels' PanelOLS."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.study.models import baseline_columns, parse_column

R_NAME = {"W_logp": "W*logp", "W_logy": "W*logy"}


@pytest.fixture(scope="module")
def panel(cigar, w46):
    d = cigar.copy()
    ids = [str(i) for i in sorted(d["state"].unique())]  # the fixture's order; the study's ids are strings
    d["state"] = d["state"].astype(str)
    return d, pd.DataFrame(w46, index=ids, columns=ids)


def _columns(panel, columns, lee_yu, weights=None):
    d, w = panel
    return baseline_columns(
        d,
        y="logc",
        ai="logp",
        controls=["logy"],
        unit="state",
        time="year",
        weights=weights or {"queen": w},
        columns=columns,
        lee_yu=lee_yu,
    )


def test_spatial_columns_equal_r_spatialreg(panel, r_reference, tol):
    tab = _columns(panel, ["ols", "sar", "sem", "sdm"], lee_yu=False)
    assert list(dict.fromkeys(tab["column"])) == ["ols", "sar", "sem", "sdm"]
    for model in ("sar", "sem", "sdm"):
        ref = r_reference[f"{model}_twoways"]
        got = tab[tab["model"] == model].set_index("parameter")
        names = [R_NAME.get(k, k) for k in ref["coef"]]
        assert sorted(names) == sorted(got.index)
        assert_allclose(got.loc[names, "estimate"], list(ref["coef"].values()), rtol=0, atol=tol.COEF)
        assert_allclose(got.loc[names, "se"], [ref["se"][k] for k in ref["coef"]], rtol=0, atol=tol.SE)
        assert_allclose(got["loglik"].iloc[0], ref["loglik"], rtol=0, atol=tol.LOGLIK)
        assert_allclose(got["sigma2"].iloc[0], ref["sigma2"], rtol=tol.SIGMA2_REL)


@pytest.mark.parametrize("lee_yu", [False, True])
def test_fe_ols_column_equals_the_within_regression_of_panelols(panel, lee_yu):
    """Coefficients equal PanelOLS's with entity and time effects. PanelOLS's unadjusted variance divides the
    residual sum of squares by NT − (N − 1) − (T − 1) − 1 − k; the ML column divides it by the observations
    it counts, n = NT, or n = (N − 1)(T − 1) after the Lee–Yu transformation: the SEs differ by exactly
    sqrt(n / (NT − N − T + 1 − k))."""
    from linearmodels import PanelOLS

    d, _ = panel
    tab = _columns(panel, ["ols"], lee_yu=lee_yu).set_index("parameter")
    p = d.set_index(["state", "year"])
    ref = PanelOLS(p["logc"], p[["logp", "logy"]], entity_effects=True, time_effects=True).fit(cov_type="unadjusted")
    assert_allclose(tab.loc[["logp", "logy"], "estimate"], ref.params[["logp", "logy"]], rtol=1e-10)
    n_units, n_years, k = d["state"].nunique(), d["year"].nunique(), 2
    n = (n_units - 1) * (n_years - 1) if lee_yu else n_units * n_years
    assert tab["nobs"].iloc[0] == n
    df_resid = n_units * n_years - (n_units - 1) - (n_years - 1) - 1 - k
    assert_allclose(
        tab.loc[["logp", "logy"], "se"], ref.std_errors[["logp", "logy"]] * np.sqrt(df_resid / n), rtol=1e-8
    )
    assert not {"rho", "lambda", "W*logp"} & set(tab.index)


def test_weights_side_by_side_are_the_same_model_under_each_matrix(panel, w46_less_one_border, r_reference, tol):
    w = panel[1]
    other = pd.DataFrame(w46_less_one_border, index=w.index, columns=w.columns)
    tab = _columns(panel, ["sdm:queen", "sdm:other"], lee_yu=False, weights={"queen": w, "other": other})
    first = tab[tab["column"] == "sdm:queen"].set_index("parameter")
    assert_allclose(first.loc["rho", "estimate"], r_reference["sdm_twoways"]["coef"]["rho"], atol=tol.COEF)
    second = tab[tab["column"] == "sdm:other"].set_index("parameter")
    assert second["weights"].iloc[0] == "other"
    assert abs(second.loc["rho", "estimate"] - first.loc["rho", "estimate"]) > 1e-6  # another matrix, another fit


def test_bad_columns_are_refused_with_their_fix(panel):
    assert parse_column("SAR", "queen") == ("sar", "queen")
    assert parse_column("sdm:knn4", "queen") == ("sdm", "knn4")
    with pytest.raises(InputError, match="unknown model 'probit'"):
        parse_column("probit", "queen")
    with pytest.raises(InputError, match="not configured"):
        _columns(panel, ["sdm:rook"], lee_yu=False)
    with pytest.raises(InputError, match="repeat"):
        _columns(panel, ["sar", "sar:queen"], lee_yu=False)
