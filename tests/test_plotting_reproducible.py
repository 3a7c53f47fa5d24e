"""The Moran scatter plot is the same file, byte for byte, however fast the machine draws it: the label
placement (adjustText) stops after a fixed number of steps (aicoord.plotting.LABEL_ITERATIONS), not after one
second of wall-clock time, which once made the inverse-distance figure differ between two runs."""

import numpy as np
import pytest

from aicoord.plotting import moran_scatter, save_figure
from aicoord.provinces import province_table


def _clock(step):
    """A fake ``timeit.default_timer`` for adjustText that advances ``step`` seconds per call: a slow machine
    (large step) or a fast one (small step)."""
    now = [0.0]

    def timer():
        now[0] += step
        return now[0]

    return timer


def _render(tmp_path, tag):
    """31 provinces whose spatial lag is nearly a line (as under the inverse-distance matrix): labels crowd,
    and the placement does not settle before its step limit."""
    rng = np.random.default_rng(1)
    z = rng.standard_normal(31)
    z = (z - z.mean()) / z.std()
    lag = 0.15 * z + 0.05 * rng.standard_normal(31)
    names = list(province_table()["name_short"])
    fig = moran_scatter(z, lag, names, var="AI", I=0.15, p_sim=0.01, title="t", note="Simulated data")
    paths = [tmp_path / f"{tag}.png", tmp_path / f"{tag}.pdf"]
    save_figure(fig, *paths)
    return [p.read_bytes() for p in paths]


def test_the_moran_scatter_does_not_depend_on_the_clock(tmp_path, monkeypatch):
    adjust = pytest.importorskip("adjustText")
    monkeypatch.setattr(adjust, "timer", _clock(0.05))  # 20 steps would fill adjustText's default second
    slow = _render(tmp_path, "slow")
    monkeypatch.setattr(adjust, "timer", _clock(1e-5))
    fast = _render(tmp_path, "fast")
    assert slow[0] == fast[0]  # PNG
    assert slow[1] == fast[1]  # PDF (no creation date)
    assert _render(tmp_path, "again") == fast
