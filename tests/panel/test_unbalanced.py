"""Unbalanced panels by exact maximum likelihood (aicoord.panel.unbalanced) versus R spatialreg.

Reference: tests/fixtures/panel/cigar_reference_unbalanced.json, made by
make_reference_unbalanced.R: ``lagsarlm`` / ``errorsarlm`` (method "eigen") on the stacked observed
rows of Cigar with (a) 80 state-years removed at random (1,300 rows left, 4 state-years without an
observed neighbour) and (b) whole runs of state-years removed (three states entering in 1968, two
leaving after 1987, one missing 1975-77: 1,352 rows, 3 without a neighbour), a block-diagonal
weights matrix whose block for each year is the contiguity sub-matrix of the states observed that
year, row-standardised, and explicit state and/or year dummies in the formula.  That is the model
itself, not an approximation.  Observed largest differences: SAR and SDM 1.2e-8 in the
coefficients and rho, 1.7e-10 in the standard errors, 7.5e-12 in the log-likelihood (tested at
1e-6, 1e-4, 1e-4); SEM and SDEM 6.5e-6 in the coefficients and lambda at each program's own
optimum (R's optimiser noise, see test_error_models_at_r_lambda), 2.0e-13 at R's lambda, 1.3e-7
in the standard errors, 6.5e-8 in the log-likelihood.

How the information-matrix conventions align.  R's standard errors come from the analytic
information matrix of all the parameters of the dummy-variable model, ``(beta, alpha, rho or
lambda, sigma2)`` with ``alpha`` the dummies' coefficients (lagsarlm: the Anselin/LeSage-Pace
information with the ``rho`` row ``X'W A^-1 X b / sigma2`` over the full design; errorsarlm:
``X(lam)'X(lam) / sigma2`` for the coefficients, block-diagonal with ``(lambda, sigma2)``).  We
partial the dummies out and use the information of ``(beta, rho or lambda, sigma2)`` in which the
design is replaced by its projection off the dummies (``M X``, ``M W A^-1 eta``; for the SEM off
the *filtered* dummies ``(I - lambda W) D``).  By the partitioned-inverse formula, the
``(beta, rho, sigma2)`` block of the inverse of the full information is the inverse of the Schur
complement of the ``alpha`` block, and that Schur complement is exactly the partialled-out
information; so the two sets of standard errors coincide for the slopes and the spatial parameter,
although R's information counts the dummies' parameters and ours does not.  The comparison checks
precisely this.  (The log-likelihood agrees as well: the dummies are concentrated out, leaving the
same residuals and ``sigma2 = e'e / n`` with ``n`` the observed rows.)

Balanced panels: :meth:`SpatialPanel.fit` only takes this path when unit-periods are missing, so a
balanced panel gives today's results by construction; the test below also forces the unbalanced
code onto the balanced panel and finds today's estimates to rounding (projection on the dummies
equals the within transformation when nothing is missing).
"""

import json
import pathlib

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.panel import SpatialPanel, unbalanced
from aicoord.panel.fixed_effects import dummies

R_NAME = {"W_logp": "W*logp", "W_logy": "W*logy"}
COEF, SE, LOGLIK = 1e-6, 1e-4, 1e-4
#: how far R's errorsarlm stops from the maximum of the flat concentrated likelihood in lambda
#: (test_error_models_at_r_lambda); two R runs of the balanced two-way SEM differ by 7e-6
R_LAMBDA_NOISE = 1e-5
CASES = [
    "sar_twoways",
    "sdm_twoways",
    "sem_twoways",
    "sdem_twoways",
    "sar_individual",
    "sem_individual",
    "sar_time",
    "sem_time",
]


FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "panel" / "cigar_reference_unbalanced.json"


@pytest.fixture(scope="module")
def ref():
    return json.loads(FIXTURE.read_text())


def _drop(cigar, dropped):
    gone = set(zip(dropped["state"], dropped["year"]))
    keep = [(s, y) not in gone for s, y in zip(cigar["state"], cigar["year"])]
    return cigar[keep]


@pytest.fixture(scope="module")
def fits(cigar, w46, ref):
    out = {}
    for design in ("random", "spans"):
        d = _drop(cigar, ref[design]["dropped"])
        assert len(d) == ref[design]["n"]
        for case in CASES:
            m, e = case.split("_")
            with pytest.warns(UserWarning, match="no observed neighbours") if ref[design]["islands"] else _no_warning():
                out[design, case] = SpatialPanel(
                    d, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model=m, effects=e
                ).fit()
    return out


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize("design", ["random", "spans"])
@pytest.mark.parametrize("case", CASES)
def test_matches_r_dummy_variable_ml(fits, ref, design, case):
    r = ref[design][case]
    res = fits[design, case]
    names = [R_NAME.get(k, k) for k in r["coef"]]
    assert sorted(names) == sorted(res.params.index)
    # SEM/SDEM: R's lambda carries its optimiser's noise (up to 6.5e-6 here); the coefficients are
    # compared to 1e-10 at R's lambda in test_error_models_at_r_lambda, and our lambda is shown to
    # be the better maximum by an independent dense computation there
    atol = COEF if case.startswith("sa") else R_LAMBDA_NOISE
    assert_allclose(res.params[names].to_numpy(), list(r["coef"].values()), rtol=0, atol=atol)
    assert_allclose(res.std_errors[names].to_numpy(), [r["se"][k] for k in r["coef"]], rtol=0, atol=SE)
    assert_allclose(res.loglik, r["loglik"], rtol=0, atol=LOGLIK)
    assert_allclose(res.sigma2, r["sigma2"], rtol=1e-6)
    assert res.nobs == r["n"]


@pytest.mark.parametrize("design", ["random", "spans"])
@pytest.mark.parametrize("case", [c for c in CASES if c.startswith(("sem", "sdem"))])
def test_error_models_at_r_lambda(fits, ref, design, case):
    """SEM/SDEM: the concentrated log-likelihood in lambda is flat (curvature about 900 per unit
    lambda squared, so 5e-6 of lambda moves it by 1e-8), while R evaluates it with rounding noise of
    order 1e-8 (its reported log-likelihood exceeds ours at the same lambda by up to 7e-8), so R's
    optimiser stops up to about 5e-6 from the maximum (on the balanced two-way SEM two R runs of the
    same model differ by 7e-6).  Ours is the root of the analytic score.  Given R's lambda, our
    coefficients and standard errors equal R's to rounding, and R's lambda lies inside that flat
    band of our likelihood."""
    r = ref[design][case]
    res = fits[design, case]
    at_r = unbalanced.err_results(res.model, r["coef"]["lambda"])
    names = [R_NAME.get(k, k) for k in r["coef"]]
    assert_allclose(at_r.params[names].to_numpy(), list(r["coef"].values()), rtol=0, atol=1e-10)
    assert_allclose(at_r.std_errors[names].to_numpy(), [r["se"][k] for k in r["coef"]], rtol=0, atol=1e-10)
    assert 0 <= res.loglik - at_r.loglik < 1e-7
    if case == "sem_twoways":  # independent dense log-likelihood: ours is the higher maximum
        d = res.model
        dense = _dense_sem_loglik(d)
        assert dense(res.params["lambda"]) >= dense(r["coef"]["lambda"]) - 1e-10
        assert_allclose(dense(res.params["lambda"]), res.loglik, rtol=0, atol=1e-8)


def _dense_sem_loglik(mod):
    """Concentrated SEM log-likelihood of the dummy-variable model from dense matrices: the
    block-diagonal W, explicit unit and year dummies, least squares of the filtered data."""
    w = mod.Wbd.toarray()
    n = len(w)
    dmy = np.hstack([np.eye(mod.N)[mod._ui], np.eye(mod.T)[mod._ti][:, 1:]])
    xfull = np.hstack([mod.X, dmy])

    def ll(lam):
        a = np.eye(n) - lam * w
        yr, xr = a @ mod.Y, a @ xfull
        e = yr - xr @ np.linalg.lstsq(xr, yr, rcond=None)[0]
        return -n / 2 * (np.log(2 * np.pi * (e @ e) / n) + 1) + np.linalg.slogdet(a)[1]

    return ll


@pytest.mark.parametrize("design", ["random", "spans"])
def test_sar_effects(fits, ref, design):
    """Point effects, averaged over all observed state-years (each period's sub-matrix weighted by
    its number of states).  Direct effects equal spatialreg::impacts on the block-diagonal weights.
    Totals: spatialreg uses ``beta / (1 - rho)``, the mean row sum of ``(I - rho W)^-1`` only when
    every row of W sums to one; a state whose neighbours are all missing in a year has a zero row,
    and ours is the exact mean row sum, checked against a dense inverse built here."""
    r = ref[design]["sar_twoways"]["impacts"]
    res = fits[design, "sar_twoways"]
    imp = res.impacts(draws=200, seed=1)
    mod, rho = res.model, res.rho
    n = mod.n_eff
    a_inv = np.linalg.inv(np.eye(n) - rho * mod.Wbd.toarray())
    for var in ("logp", "logy"):
        b = res.params[var]
        assert_allclose(imp.loc[(var, "direct"), "estimate"], r["direct"][var], rtol=0, atol=1e-6)
        assert_allclose(imp.loc[(var, "direct"), "estimate"], b * np.trace(a_inv) / n, rtol=1e-12)
        assert_allclose(imp.loc[(var, "total"), "estimate"], b * a_inv.sum() / n, rtol=1e-10)
        assert_allclose(r["total"][var], b / (1 - rho), rtol=1e-6)  # spatialreg's convention
        if ref[design]["islands"] == 0:
            assert_allclose(imp.loc[(var, "total"), "estimate"], r["total"][var], rtol=0, atol=1e-6)


def test_design_facts(cigar, w46, ref):
    """The missing cells are listed; islands in a period's sub-matrix are counted as in R."""
    d = _drop(cigar, ref["spans"]["dropped"])
    with pytest.warns(
        UserWarning,
        match=f"^{ref['spans']['islands']} unit-periods have no observed neighbours in "
        "their period's weights sub-matrix$",
    ):
        mod = SpatialPanel(
            d, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sar", effects="twoways"
        )
    assert not mod.balanced
    assert sorted(mod.missing) == sorted(zip(ref["spans"]["dropped"]["state"], ref["spans"]["dropped"]["year"]))
    assert sum(pw.islands for pw in mod.ws) == ref["spans"]["islands"]
    for pw in mod.ws:  # every period's sub-matrix is row-standardised (rows of islands are zero)
        rs = np.asarray(pw.W.sum(axis=1)).ravel()
        assert np.all((np.abs(rs - 1) < 1e-14) | (rs == 0))


@pytest.mark.parametrize("model", ["sar", "sdm", "sem", "sdem", "slx"])
@pytest.mark.parametrize("effects", ["twoways", "individual", "time", "none"])
def test_balanced_panel_gives_todays_results(cigar, w46, model, effects):
    mod = SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model=model, effects=effects
    )
    today = mod.fit()
    cols = ["state", "year", "logc", "logp", "logy"]
    unbalanced.prepare_unbalanced(mod, cigar[cols], w46, True, "auto", mod.units, mod.periods)
    mod._lo, mod._hi = mod.bounds()
    forced = unbalanced.fit(mod, 1e-12)
    assert_allclose(forced.params.to_numpy(), today.params.to_numpy(), rtol=0, atol=1e-10)
    assert_allclose(forced.std_errors.to_numpy(), today.std_errors.to_numpy(), rtol=0, atol=1e-12)
    assert_allclose(forced.loglik, today.loglik, rtol=0, atol=1e-9)


def test_fixed_effects_reproduce_the_fit(cigar, w46, ref):
    """Recovered dummies: y - rho W y - X b - (mu + alpha_i + gamma_t) are the residuals."""
    d = _drop(cigar, ref["random"]["dropped"])
    with pytest.warns(UserWarning):
        res = SpatialPanel(
            d, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sar", effects="twoways"
        ).fit()
    mod, fe = res.model, res.fixed_effects
    fitted = fe["mu"] + fe["individual"].to_numpy()[mod._ui] + fe["time"].to_numpy()[mod._ti]
    u = mod.Y - res.rho * mod.Wy - mod.Zraw @ res.params[mod.znames].to_numpy() - fitted
    assert_allclose(u, res.resid, rtol=0, atol=1e-10)
    assert abs(fe["individual"].sum()) < 1e-10 and abs(fe["time"].sum()) < 1e-10
    assert (fe["individual"].name, fe["time"].name) == ("alpha", "gamma")


def test_weights_by_period_and_independent_loglik(cigar, w46, w46_alt, ref):
    """Year-specific matrices: each period's sub-matrix of its own W.  Checked against a dense
    computation of the dummy-variable log-likelihood at the estimates (block-diagonal W built
    here, least squares on explicit dummies), and the score in rho is zero there."""
    d = _drop(cigar, ref["random"]["dropped"]).sort_values(["year", "state"])
    years = sorted(d["year"].unique())
    wdict = {y: (w46 if y < 78 else w46_alt) for y in years}
    with pytest.warns(UserWarning):
        res = SpatialPanel(
            d, y="logc", x=["logp", "logy"], id="state", time="year", w=wdict, model="sar", effects="twoways"
        ).fit()
    ids = sorted(cigar["state"].unique())
    n = len(d)
    wbd = np.zeros((n, n))
    start = 0
    for y in years:
        pos = [ids.index(s) for s in d.loc[d["year"] == y, "state"]]
        b = wdict[y][np.ix_(pos, pos)]
        rs = b.sum(axis=1, keepdims=True)
        wbd[start : start + len(pos), start : start + len(pos)] = np.divide(b, rs, out=np.zeros_like(b), where=rs > 0)
        start += len(pos)
    yv = d["logc"].to_numpy()
    dmy = pd.get_dummies(d["state"].astype(str)).to_numpy(float)
    dmy = np.hstack([dmy, pd.get_dummies(d["year"].astype(str)).to_numpy(float)[:, 1:]])
    xfull = np.hstack([d[["logp", "logy"]].to_numpy(), dmy])

    def ll(r):
        yr = yv - r * wbd @ yv
        e = yr - xfull @ np.linalg.lstsq(xfull, yr, rcond=None)[0]
        s2 = e @ e / n
        return -n / 2 * (np.log(2 * np.pi * s2) + 1) + np.linalg.slogdet(np.eye(n) - r * wbd)[1]

    assert_allclose(ll(res.rho), res.loglik, rtol=0, atol=1e-8)
    h = 1e-5
    assert abs((ll(res.rho + h) - ll(res.rho - h)) / (2 * h)) < 1e-4
    assert ll(res.rho) > max(ll(res.rho + 1e-3), ll(res.rho - 1e-3))


def test_refusals(cigar, w46):
    kw = dict(y="logc", x=["logp", "logy"], id="state", time="year", w=w46)
    first = cigar["state"].iloc[0]
    once = cigar[(cigar["state"] != first) | (cigar["year"] == 70)]
    with pytest.raises(InputError, match=rf"^column 'state': units \[{first}\] are observed in one period only") as exc:
        SpatialPanel(once, model="sar", effects="twoways", **kw)
    assert exc.value.column == "state" and exc.value.hint == "drop those units or use time effects only"
    SpatialPanel(once, model="sar", effects="time", **kw)  # identified without unit effects
    lone = cigar[(cigar["year"] != 80) | (cigar["state"] == first)]
    with pytest.raises(
        InputError,
        match=r"^column 'year': periods \[80\] have a single observed unit: their weights "
        r"sub-matrix is empty and the spatial model is not identified \(",
    ) as exc:
        SpatialPanel(lone, model="sar", effects="twoways", **kw)
    assert exc.value.column == "year" and exc.value.hint == "drop those periods"
    second = next(s for s in cigar["state"].unique() if s != first)
    pair = cigar[(cigar["year"] != 80) | cigar["state"].isin([first, second])]
    assert SpatialPanel(pair, model="sar", effects="twoways", **kw).balanced is False  # two units suffice
    twice = cigar[(cigar["state"] != first) | cigar["year"].isin([70, 71])]
    assert SpatialPanel(twice, model="sar", effects="twoways", **kw).balanced is False  # two periods suffice
    pooled = SpatialPanel(cigar.iloc[5:], model="sar", effects="none", **kw)
    assert pooled.znames == ["const", "logp", "logy"]
    years = sorted(cigar["year"].unique())
    with pytest.raises(InputError, match="^weights by year must give one matrix for every period") as exc:
        SpatialPanel(cigar.iloc[5:], model="sar", effects="time", **{**kw, "w": {y: w46 for y in years[1:]}})
    assert exc.value.hint == "periods: [63, 64, 65]..."
    with pytest.raises(InputError, match="^random effects need a balanced panel") as exc:
        SpatialPanel(cigar.iloc[5:], model="sar", effects="random", **kw)
    assert exc.value.hint == "use fixed effects (individual, time or twoways) on an unbalanced panel"
    holes = cigar.iloc[5:]
    for opts, match, hint in (
        ({"model": "sac"}, "^the SAC is not implemented for unbalanced panels", "fit the SAR, SDM, SEM or SDEM"),
        ({"effects": "random", "model": "sar"}, "random", None),
        (
            {"lee_yu": True, "model": "sar"},
            "^the Lee-Yu correction is defined for balanced panels only",
            "drop the Lee-Yu option on an unbalanced panel",
        ),
    ):
        with pytest.raises(InputError, match=match) as exc:
            SpatialPanel(holes, **{"effects": "twoways", **opts}, **kw)
        assert hint is None or exc.value.hint == hint


def test_time_effects_of_an_unbalanced_panel_are_recovered(cigar, w46):
    """Time effects alone on an unbalanced panel: one named effect per period, and the residuals are
    y - rho W y - X b - gamma_t."""
    res = SpatialPanel(
        cigar.iloc[5:], y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sar", effects="time"
    ).fit()
    fe, mod = res.fixed_effects, res.model
    assert set(fe) == {"time"} and fe["time"].name == "gamma" and len(fe["time"]) == 30
    u = mod.Y - res.rho * mod.Wy - mod.Zraw @ res.params[mod.znames].to_numpy() - fe["time"].to_numpy()[mod._ti]
    assert_allclose(u, res.resid, rtol=0, atol=1e-10)


def test_weights_of_the_wrong_size_are_named(cigar, w46):
    holes = cigar.iloc[5:]
    with pytest.raises(InputError, match="^weights matrix is 45 x 45 but the panel has 46 units"):
        SpatialPanel(
            holes,
            y="logc",
            x=["logp", "logy"],
            id="state",
            time="year",
            w=w46[:45, :45],
            model="sar",
            effects="individual",
        )


@pytest.mark.parametrize("bad_year", [63, 64, 92])
@pytest.mark.parametrize("balanced", [True, False])
def test_a_wrong_sized_matrix_of_any_period_is_named(cigar, w46, bad_year, balanced):
    """Weights by year with one matrix of the wrong size, in the first, second or last period: one clean
    message naming that period (an unbalanced panel used to fail with an IndexError unless the first
    period's matrix was the wrong one)."""
    data = cigar if balanced else cigar.iloc[5:]
    by = {y: w46 for y in sorted(cigar["year"].unique())}
    by[bad_year] = w46[:45, :45]
    what = "w" if balanced else "weights"
    with pytest.raises(InputError) as exc:
        SpatialPanel(
            data, y="logc", x=["logp", "logy"], id="state", time="year", w=by, model="sar", effects="individual"
        )
    assert str(exc.value) == f"{what} matrix of period {bad_year} is 45 x 45 but the panel has 46 units"


def test_dummies_and_rank_of_the_fixed_effects():
    """No effects: no dummy columns.  The rank of the dummies is relative to the largest pivot, so
    scaling them changes nothing: two units observed in two periods with two-way effects give
    2 + 2 - 1 = 3 independent columns at any scale."""
    ui, ti = np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1])
    assert dummies(ui, ti, 2, 2, "none").shape == (4, 0)
    d = dummies(ui, ti, 2, 2, "twoways")
    assert d.shape == (4, 4)
    for scale in (1e-8, 1.0, 1e8):
        cols, basis = unbalanced._full_rank_columns(d * scale)
        assert cols.shape == (4, 3) and basis.shape == (4, 3)
        assert_allclose(basis.T @ basis, np.eye(3), atol=1e-12)
