"""Seeded Monte Carlo of the verdict's false-positive rate for the null channel (pi = 0).

100 demo panels of each setting (A: the value chain has no path from AI; B: the regional brand); each
is simulated, the null channel's three-step spatial mediation estimated, and its verdict taken at
alpha = 0.05. A false positive is a
verdict other than ``inconclusive``. The rate must not be significantly above alpha (one-sided exact
binomial test at the 1% level). ``benchmarks/verdict_false_positive.py`` runs the larger grid.
"""

import time

import pytest
from scipy import stats

from aicoord.simulate import simulate_demo_panel
from aicoord.study import mechanism
from helpers import DEFAULT_SEED, study_kw

REPS = 100
ALPHA = 0.05


@pytest.mark.slow
@pytest.mark.parametrize("setting, channel", [("A", "value_chain"), ("B", "regional_brand")])
def test_null_channel_false_positive_rate(ai_index, queen, setting, channel):
    t0 = time.perf_counter()
    positives = 0
    for r in range(REPS):
        panel, truth = simulate_demo_panel(ai_index, queen, seed=DEFAULT_SEED + 1000 + r, scenario=setting)
        assert truth["verdicts"]["mechanisms"][channel]["direction"] == "none"
        m = mechanism(panel, mechanism=channel, **study_kw(queen), draws=1000, seed=r, alpha=ALPHA)
        lo, hi = m.interval()
        positives += not (lo <= 0 <= hi)
    per_panel = (time.perf_counter() - t0) / REPS
    ci = stats.binomtest(positives, REPS).proportion_ci(0.95, method="exact")
    print(
        f"\nsetting {setting}, {channel}: false-positive rate {positives}/{REPS} = {positives / REPS:.3f} "
        f"(95% Clopper-Pearson {ci.low:.3f}-{ci.high:.3f}); {per_panel:.2f} s per panel"
    )
    assert stats.binomtest(positives, REPS, ALPHA, alternative="greater").pvalue > 0.01
