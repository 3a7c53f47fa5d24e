"""SpatialPanel: specification and option checks, fit(tol) on every path, respecify, and the
start-up cost of importing the engine."""

import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import optimize

from aicoord.errors import InputError
from aicoord.panel import SpatialPanel, fixed, likelihood, random

KW = dict(y="logc", x=["logp", "logy"], id="state", time="year")


def _model(data, w, **kw):
    args = dict(KW, w=w, model="sar", effects="individual")
    args.update(kw)
    return SpatialPanel(data, **args)


@pytest.mark.parametrize(
    "kw,match",
    [
        (dict(model="sarar"), "unknown model 'sarar'"),
        (dict(effects="within"), "unknown effects 'within'"),
        (dict(model="sac", effects="random"), "random effects are implemented for the SAR, SDM"),
        (dict(effects="none", lee_yu=True), "Lee-Yu correction applies to fixed effects only"),
        (dict(model="sdm", wx=["logq"]), r"wx variables \['logq'\] are not among"),
        (dict(model="slx", x=[]), "at least one regressor"),
    ],
)
def test_specification_errors(cigar, w46, kw, match):
    with pytest.raises(InputError, match=match):
        _model(cigar, w46, **kw)


def test_unknown_model_and_effects_name_the_choices(cigar, w46):
    from aicoord.panel.model import EFFECTS, MODELS

    for kw, choices in ((dict(model="sarar"), MODELS), (dict(effects="within"), EFFECTS)):
        with pytest.raises(InputError) as exc:
            _model(cigar, w46, **kw)
        assert exc.value.hint == "choose one of " + ", ".join(choices)


def test_effects_aliases_and_wx(cigar, w46):
    mod = _model(cigar, w46, model="SDM", effects="both", wx="logy")
    assert (mod.model, mod.effects, mod.wxnames) == ("sdm", "twoways", ["logy"])
    assert mod.znames == ["logp", "logy", "W*logy"]
    assert _model(cigar, w46, effects="pooled").znames == ["const", "logp", "logy"]
    assert _model(cigar, w46, model="sar", wx=["logy"]).wxnames == []


def test_respecify_keeps_data_and_changes_arguments(cigar, w46):
    mod = _model(cigar, w46, model="sdm", effects="twoways")
    sar = mod.respecify(model="sar", wx=None)
    assert (sar.model, sar.effects, sar.wxnames) == ("sar", "twoways", [])
    assert_allclose(sar.Y, mod.Y, rtol=0, atol=0)
    assert mod.model == "sdm"


@pytest.mark.parametrize("tol", [0.0, -1e-8, float("nan"), float("inf"), "small"])
def test_tol_must_be_positive(cigar, w46, tol):
    with pytest.raises(InputError, match="tol must be a positive number"):
        _model(cigar, w46).fit(tol=tol)


def test_tol_reaches_the_line_search(cigar, w46, spy):
    calls = spy(likelihood, "minimize_bounded")
    mod = _model(cigar, w46, model="sem")
    a = mod.fit()
    b = mod.fit(tol=1e-6)
    assert [c["xatol"] for c in calls] == [1e-12, 1e-6]
    # the score root refines both to the same point
    assert_allclose(b.params["lambda"], a.params["lambda"], rtol=0, atol=1e-9)


def test_tol_reaches_the_sac_search(cigar, w46, spy):
    calls = spy(fixed, "minimize_2d")
    scipy_calls = spy(optimize, "minimize")
    mod = _model(cigar[cigar["year"] <= 67], w46, model="sac")
    default = mod.fit()
    first = len(scipy_calls)
    loose = mod.fit(tol=1e-5)
    assert [c["xatol"] for c in calls] == [None, 1e-5]
    polish = [c["options"] for c in scipy_calls[first:] if c["method"] == "Nelder-Mead"]
    assert len(polish) == 1 and polish[0]["xatol"] == 1e-5
    assert_allclose(loose.params[["rho", "lambda"]], default.params[["rho", "lambda"]], rtol=0, atol=1e-4)


class _Stop(Exception):
    pass


@pytest.mark.parametrize("model", ["sar", "sdm", "sem"])
def test_tol_reaches_the_random_effects_search(cigar, w46, monkeypatch, model):
    """The random-effects fits hand ``tol`` to the 2-D search (stopped there: the polish itself
    is checked on the SAC, and the fits against dense likelihoods in test_random.py)."""
    seen = []

    def stop(*args, **kw):
        seen.append(kw["xatol"])
        raise _Stop

    monkeypatch.setattr(random, "minimize_2d", stop)
    mod = _model(cigar[cigar["year"] <= 65], w46, model=model, effects="random")
    for tol in (None, 1e-7):
        with pytest.raises(_Stop):
            mod.fit(tol=tol)
    assert seen == [None, 1e-7]


def test_slx_is_exact_whatever_tol(cigar, w46):
    mod = _model(cigar, w46, model="slx")
    assert_allclose(mod.fit(tol=1e-2).params, mod.fit().params, rtol=0, atol=0)


def test_import_does_not_load_scipy_optimize():
    code = "import sys, aicoord.panel; print('scipy.optimize' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_respecify_keeps_every_option(cigar, w46):
    """respecify rebuilds the model from its stored arguments: the WX list, the log-determinant method and a
    separate WX matrix survive a change of the effects."""
    other = np.roll(np.roll(w46, 1, axis=0), 1, axis=1)  # another matrix on the same units
    mod = _model(cigar, w46, model="sdm", effects="twoways", wx=["logy"], logdet="lu", w_x=other)
    again = mod.respecify(effects="individual")
    assert again.wxnames == ["logy"] and again.znames == mod.znames
    assert again.ws[0].method == "lu"
    assert again.ws_x[0] is not again.ws[0]
    assert_allclose(again.ws_x[0].W.toarray(), mod.ws_x[0].W.toarray(), rtol=0, atol=0)


def test_models_that_need_no_regressor(cigar, w46):
    """SAR, SEM and SAC are identified by the spatial parameters alone; SDM and the others need a regressor."""
    for model in ("sar", "sem", "sac"):
        assert _model(cigar, w46, model=model, x=[]).znames == []
    with pytest.raises(InputError, match="at least one regressor"):
        _model(cigar, w46, model="sdm", x=[])


def test_sac_takes_the_error_parameter_bounds_from_the_error_matrix(cigar, w46):
    """With a separate error matrix the SAC's lambda is searched in that matrix's admissible interval."""
    rng = np.random.default_rng(3)
    other = np.triu((rng.uniform(size=(46, 46)) < 0.15).astype(float), 1)
    other = other + other.T
    other[np.arange(46), (np.arange(46) + 1) % 46] = other[(np.arange(46) + 1) % 46, np.arange(46)] = 1.0  # no islands
    mod = _model(cigar, w46, model="sac", effects="individual", w_error=other)
    mod.fit()
    ev = np.linalg.eigvals(other / other.sum(axis=1, keepdims=True)).real
    assert mod._lo_e == pytest.approx(1 / ev.min(), rel=1e-8) and mod._hi_e == pytest.approx(1.0, rel=1e-8)
    ev_lag = np.linalg.eigvals(w46 / w46.sum(axis=1, keepdims=True)).real
    assert abs(1 / ev.min() - 1 / ev_lag.min()) > 0.05  # the two intervals differ
