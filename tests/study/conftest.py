"""Fixtures of the study tests: queen weights, the demo panels of settings A and B with their study runs, and the
small ring panel of the tests by class (tests/small_panel.py)."""

import pytest

from aicoord.simulate import MECHANISM_NAMES, simulate_demo_panel
from aicoord.weights import build_weights
from helpers import DEFAULT_SEED, study_kw
from small_panel import small_panel


@pytest.fixture(scope="session")
def queen(provinces_gdf):
    return build_weights({"kind": "queen", "island_links": {"460000": ["440000"]}}, provinces_gdf)


@pytest.fixture(scope="session")
def demos(ai_index, queen):
    return {s: simulate_demo_panel(ai_index, queen, seed=DEFAULT_SEED, scenario=s) for s in ("A", "B")}


@pytest.fixture(scope="session")
def runs(demos, queen):
    """Baseline, the four mechanisms and the verdict table on the default demo panel of each setting."""
    from aicoord.study import baseline, mechanism, verdict

    out = {}
    for s, (panel, _truth) in demos.items():
        kw = study_kw(queen)
        base = baseline(panel, **kw, draws=2000, seed=1)
        mechs = {m: mechanism(panel, mechanism=m, **kw, draws=2000, seed=2) for m in MECHANISM_NAMES}
        out[s] = {"baseline": base, "mechanisms": mechs, "verdict": verdict(mechs, base, alpha=0.05)}
    return out


@pytest.fixture(scope="module")
def panel():
    """The small ring panel (:func:`small_panel.small_panel`), one per test module."""
    return small_panel()
