"""Input checks of the spatial panel engine found by the bad-input review: a constant outcome, nonsense
draws, and the memory of the effects simulation (bounded by simulating in chunks)."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from aicoord.errors import InputError


@pytest.fixture(scope="module")
def panel():
    from aicoord.weights import knn_weights

    w = knn_weights(4)
    rng = np.random.default_rng(1)
    d = pd.DataFrame(
        [
            {"id": i, "t": t, "x1": rng.normal(), "x2": rng.normal(), "y": rng.normal()}
            for i in w.id_order
            for t in range(4)
        ]
    )
    return d, w


@pytest.mark.parametrize("effects", ["none", "twoways"])
def test_engine_refuses_a_constant_outcome(panel, effects):
    from aicoord.panel import SpatialPanel

    d, w = panel
    with pytest.raises(InputError, match="dependent variable 'y' is constant"):
        SpatialPanel(d.assign(y=2.5), y="y", x=["x1", "x2"], id="id", time="t", w=w, model="sar", effects=effects).fit()


@pytest.mark.parametrize("draws", [0, 1, -5, 100_001, 2.5, True])
def test_engine_validates_draws(panel, draws):
    from aicoord.panel import SpatialPanel

    d, w = panel
    res = SpatialPanel(d, y="y", x=["x1", "x2"], id="id", time="t", w=w, model="sdm", effects="twoways").fit()
    with pytest.raises(InputError, match=f"^draws must be between 2 and 100,000, not {draws}") as exc:
        res.impacts(draws=draws, seed=1)
    assert exc.value.hint == "1,000 draws give standard errors to about 2%; more add little"


def test_effects_simulation_memory_is_bounded(panel):
    from aicoord.panel import SpatialPanel

    d, w = panel
    res = SpatialPanel(d, y="y", x=["x1", "x2"], id="id", time="t", w=w, model="sdm", effects="twoways").fit()
    small = res.impacts(draws=20_000, seed=1)
    tracemalloc.start()
    try:
        big = res.impacts(draws=100_000, seed=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    np.testing.assert_allclose(big["se"], small["se"], rtol=0.05)  # same estimator, more draws
    assert peak < 40e6, f"peak {peak / 1e6:.0f} MB"
