"""A small seeded panel for the study's tests by class (issue 22): 16 units on a ring with chords, 8 years, an
SDM outcome, an SDM channel, two controls, an instrument of AI, GDP per capita and four regions of four units.

Small enough that a fit takes a fraction of a second, so that every table-producing function of
:mod:`aicoord.study` can be called several times (defaults, two levels, non-default keyword arguments)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

N, T, FIRST = 16, 8, 2010
IDS = [f"u{i:02d}" for i in range(1, N + 1)]
REGIONS = pd.Series(np.repeat(["East", "Central", "West", "Northeast"], N // 4), index=IDS)
CONTROLS = ["c1", "c2"]
KW = dict(y="y", ai="ai", controls=CONTROLS, unit="code", time="year")


def ring_weights(n=N) -> pd.DataFrame:
    """Binary ring contiguity with a chord from every fourth unit to the one opposite (symmetric, unstandardised)."""
    w = np.zeros((n, n))
    for i in range(n):
        w[i, (i + 1) % n] = w[(i + 1) % n, i] = 1.0
    for i in range(0, n, 4):
        j = (i + n // 2 + 1) % n
        w[i, j] = w[j, i] = 1.0
    return pd.DataFrame(w, index=IDS[:n], columns=IDS[:n])


def row_standardised(w: pd.DataFrame) -> np.ndarray:
    a = w.to_numpy(float)
    return a / a.sum(axis=1, keepdims=True)


def small_panel(seed=11) -> pd.DataFrame:
    """Long panel (code, year, y, ai, m, c1, c2, z, gdp_pc, block: a cluster of one unit and half the years, v: noise): AI instrumented by z; the channel m an SDM in AI;
    the outcome y an SDM in AI and m (positive everywhere, for the dispersion measures)."""
    rng = np.random.default_rng(seed)
    ws = row_standardised(ring_weights())
    eye = np.eye(N)
    am, ay = np.linalg.inv(eye - 0.3 * ws), np.linalg.inv(eye - 0.35 * ws)
    fe = rng.normal(0, 1, N)
    ft = rng.normal(0, 0.5, T)
    lny = rng.normal(10, 0.3, N)
    rows = []
    for k in range(T):
        z = rng.normal(size=N)
        ai = 2 + 0.8 * z + 0.3 * fe + 0.1 * k + rng.normal(0, 0.5, N)
        c1, c2 = rng.normal(size=N), rng.normal(size=N)
        m = am @ (0.6 * ai + 0.25 * ws @ ai + 0.3 * c1 + 0.5 * fe + rng.normal(0, 0.5, N))
        y = 20 + ay @ (-0.4 * ai + 0.5 * m + 0.15 * ws @ ai + 0.2 * c1 - 0.3 * c2 + fe + ft[k] + rng.normal(0, 0.5, N))
        rows.append(
            pd.DataFrame(
                {
                    "code": IDS,
                    "year": FIRST + k,
                    "y": y,
                    "ai": ai,
                    "m": m,
                    "c1": c1,
                    "c2": c2,
                    "z": z,
                    "gdp_pc": np.exp(lny),
                    "block": [f"{c}-{k >= T // 2}" for c in IDS],
                }
            )
        )
        lny = lny + 0.06 - 0.1 * (lny - 10) + 0.01 * ai + rng.normal(0, 0.02, N)
    out = pd.concat(rows, ignore_index=True)
    out["v"] = np.random.default_rng(seed + 1).normal(size=len(out))  # a channel unrelated to everything
    return out


W_RAW = ring_weights()
W = row_standardised(W_RAW)


# ---- independent references and comparisons shared by the tests by class


def coef(par, name):
    return float(par[name]) if name in par.index else 0.0


def dense_s(rho, beta, theta, w=W):
    n = len(w)
    return np.linalg.solve(np.eye(n) - rho * w, beta * np.eye(n) + theta * w)


def dense_effects(par, v, w=W, kind="sdm"):
    """(direct, indirect, total) of ``v`` from the dense S of one parameter vector (a Series)."""
    rho = coef(par, "rho") if kind in ("sar", "sdm") else 0.0
    s = dense_s(rho, coef(par, v), coef(par, f"W*{v}"), w)
    direct, total = np.mean(np.diag(s)), s.sum() / len(s)
    return direct, total - direct, total


def normal_p(est, se):
    return 2 * stats.norm.sf(np.abs(np.asarray(est, float) / np.asarray(se, float)))


def assert_summarised(row, estimate, draws, alpha):
    """A row of an effect table: its estimate, the draws' SE (n − 1), the two-sided percentile interval, z and the
    normal p of z."""
    draws = np.asarray(draws, float)
    se = np.std(draws, ddof=1)
    assert row["estimate"] == pytest.approx(estimate, rel=1e-9, abs=1e-13)
    assert row["se"] == pytest.approx(se, rel=1e-9)
    lo, hi = np.quantile(draws, [alpha / 2, 1 - alpha / 2])
    assert row["lower"] == pytest.approx(lo, rel=1e-9, abs=1e-13)
    assert row["upper"] == pytest.approx(hi, rel=1e-9, abs=1e-13)
    if se == 0:  # no spread (an SEM's indirect effect): z and p undefined
        assert np.isnan(row["z"]) and np.isnan(row["p"])
        return
    assert row["z"] == pytest.approx(row["estimate"] / row["se"], rel=1e-12)
    assert row["p"] == pytest.approx(normal_p(row["estimate"], row["se"]), rel=1e-9, abs=1e-300)


def same(a, b) -> bool:
    """Exact equality of two study outputs (NaN equal to NaN), frames and their attrs (fits left out), dicts,
    sequences, arrays and the study's result objects."""
    if isinstance(a, pd.DataFrame) or isinstance(a, pd.Series):
        attrs = {k: v for k, v in a.attrs.items() if k != "fit"}, {k: v for k, v in b.attrs.items() if k != "fit"}
        return type(a) is type(b) and a.equals(b) and same(*attrs)
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    if hasattr(a, "coefficients") and hasattr(a, "effect_draws"):  # Baseline
        return same(_baseline_view(a), _baseline_view(b))
    if hasattr(a, "mediated_draws"):  # Mechanism
        return same(_mechanism_view(a), _mechanism_view(b))
    if a is pd.NA or b is pd.NA:
        return a is b
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    return bool(a == b)


def _baseline_view(b):
    return [b.coefficients, b.effects, b.ai, b.y, b.controls, b.model, b.alpha, b.setting.ids, int(b.fit.nobs)]


def _mechanism_view(m):
    return [
        m.name,
        m.ai_on_channel,
        m.channel_on_y,
        m.ai_on_y,
        m.mediated,
        m.mechanism_model,
        m.fallback_reason,
        m.alpha,
        m.a_draws,
        m.b_draws,
        getattr(m, "a_path_estimator", None),
        int(m.outcome_fit.nobs),
    ]


def check_defaults(call, name, default, other, plain=None):
    """``call()`` (or ``plain``, its result when already computed) equals ``call(name=default)`` and differs from
    ``call(name=other)``."""
    plain = call() if plain is None else plain
    assert same(plain, call(**{name: default})), f"{name}={default!r} is not the default"
    assert not same(plain, call(**{name: other})), f"{name}={other!r} changes nothing"
