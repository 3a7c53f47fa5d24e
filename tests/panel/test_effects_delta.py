"""Delta-method standard errors of the effects, and separate weights per term.

References:
* Delta method: the effects are recomputed here from the dense N x N matrix
  ``S_k = (I - rho W)^{-1} (beta_k I + theta_k W_x)`` (direct = mean diagonal, total = mean row
  sum), their gradient taken by central differences, and ``sqrt(g' V g)`` formed with the fit's
  covariance (also a robust one); and the simulated standard errors with 100,000 draws, whose
  Monte Carlo relative error is about ``1/sqrt(2 * 99,999) = 0.22%``; on Cigar (SDM, two-way
  effects) the SE of rho is 0.033 and rho about 0.2, so the second-order term that separates the
  two, about ``(se_rho / (1 - rho))^2``, is near 0.2%; the tolerance 1.5% exceeds 4.5 Monte Carlo
  standard deviations (1.0%) plus that bound.  (Measured: 0.64% at most.)
* Separate weights: a dense dummy-variable maximum-likelihood fit written out here (explicit unit
  and period dummies, ``slogdet`` log-Jacobian, bounded scalar search with scipy) of the SDM with
  ``W_x`` other than W and of the SEM with ``W_e`` other than W (as ``xsmle``'s ``dmat()`` and
  ``emat()``).
"""

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from aicoord.panel import SpatialPanel

N, T = 10, 5


def _ring(n, k):
    w = np.zeros((n, n))
    for i in range(n):
        for d in range(1, k + 1):
            w[i, (i + d) % n] = w[i, (i - d) % n] = 1.0
    return w


def _panel(seed=11):
    rng = np.random.default_rng(seed)
    w = _ring(N, 2)
    wx = np.abs(rng.normal(size=(N, N))) * (rng.random((N, N)) < 0.4)
    np.fill_diagonal(wx, 0)
    wx[np.arange(N), (np.arange(N) + 1) % N] += 1.0  # no empty rows
    ws = w / w.sum(1, keepdims=True)
    wxs = wx / wx.sum(1, keepdims=True)
    x = rng.normal(size=(T, N, 2))
    alpha = rng.normal(size=N)
    y = np.array(
        [
            np.linalg.solve(
                np.eye(N) - 0.35 * ws, x[t] @ [1.0, -0.5] + wxs @ x[t] @ [0.6, 0.3] + alpha + rng.normal(size=N)
            )
            for t in range(T)
        ]
    )
    df = pd.DataFrame(
        [{"id": i, "time": t, "y": y[t, i], "x1": x[t, i, 0], "x2": x[t, i, 1]} for t in range(T) for i in range(N)]
    )
    return df, w, wx


def _dense_effects(params, w, wx, xs, standardize=True):
    if standardize:
        w = w / w.sum(1, keepdims=True)
        wx = wx / wx.sum(1, keepdims=True)
    rho = params["rho"]
    a = np.linalg.inv(np.eye(len(w)) - rho * w)
    out = []
    for v in xs:
        s = a @ (params[v] * np.eye(len(w)) + params.get(f"W*{v}", 0.0) * wx)
        d, t = np.trace(s) / len(w), s.sum() / len(w)
        out += [d, t - d, t]
    return np.array(out)


def _numerical_delta(res, w, wx, xs, standardize=True, effects=None):
    """Delta-method SEs of the effects: the gradient of ``effects(params)`` (default: the dense formula with
    ``w`` and ``wx``) by central differences, with the fit's covariance."""
    if effects is None:

        def effects(params):
            return _dense_effects(params, w, wx, xs, standardize)

    names = list(res.params.index)
    p0 = res.params.to_dict()
    keep = [nm for nm in names if nm in xs or nm.startswith("W*") or nm == "rho"]
    g = []
    for nm in keep:
        h = 1e-6 * max(1.0, abs(p0[nm]))
        up, dn = dict(p0), dict(p0)
        up[nm] += h
        dn[nm] -= h
        g.append((effects(up) - effects(dn)) / (2 * h))
    g = np.array(g).T
    cov = res.cov.loc[keep, keep].to_numpy()
    return np.sqrt(np.einsum("ij,jk,ik->i", g, cov, g))


def _as_vector(imp, xs):
    return np.array([imp.loc[(v, k), "se"] for v in xs for k in ("direct", "indirect", "total")])


@pytest.mark.parametrize(
    "model,cov_type,separate,standardize",
    [
        ("sdm", "oim", False, True),
        ("sdm", "robust", True, True),
        ("sar", "cluster", False, False),
        ("sac", "oim", False, True),
        ("sdm", "oim", True, False),
    ],
)
def test_delta_matches_numerical_gradient(model, cov_type, separate, standardize):
    df, w, wx = _panel()
    xs = ["x1", "x2"]
    mod = SpatialPanel(
        df,
        y="y",
        x=xs,
        id="id",
        time="time",
        w=w,
        w_x=wx if separate else None,
        model=model,
        effects="individual",
        standardize=standardize,
    )
    res = mod.fit(cov_type=cov_type)
    imp = res.impacts(se="delta")
    wxx = wx if separate else w
    est = np.array([imp.loc[(v, k), "estimate"] for v in xs for k in ("direct", "indirect", "total")])
    np.testing.assert_allclose(est, _dense_effects(res.params.to_dict(), w, wxx, xs, standardize), rtol=1e-9)
    np.testing.assert_allclose(_as_vector(imp, xs), _numerical_delta(res, w, wxx, xs, standardize), rtol=1e-6)
    assert imp.attrs["se"] == "delta"


def test_delta_close_to_simulation_on_cigar(cigar, w46):
    d, w = cigar, w46
    mod = SpatialPanel(d, y="logc", x=["logp", "logy"], id="state", time="year", w=w, model="sdm", effects="twoways")
    res = mod.fit()
    delta = res.impacts(se="delta")
    sim = res.impacts(draws=100_000, seed=3)
    np.testing.assert_allclose(delta["se"], sim["se"], rtol=0.015)
    np.testing.assert_allclose(delta["estimate"], sim["estimate"], rtol=0, atol=0)


def _dense_ml(df, w, model, w_other):
    """Dummy-variable ML with unit and period dummies: SDM with W_x = w_other, or SEM with
    W_e = w_other (weights row-standardised)."""
    ws = w / w.sum(1, keepdims=True)
    wo = w_other / w_other.sum(1, keepdims=True)
    d = df.sort_values(["time", "id"])
    y = d["y"].to_numpy()
    x = d[["x1", "x2"]].to_numpy()
    big = lambda m: np.kron(np.eye(T), m)  # noqa: E731
    dums = np.hstack([np.kron(np.ones((T, 1)), np.eye(N)), np.kron(np.eye(T), np.ones((N, 1)))[:, 1:]])
    if model == "sdm":
        z = np.hstack([x, big(wo) @ x, dums])

        def negll(r):
            yr = y - r * big(ws) @ y
            b = np.linalg.lstsq(z, yr, rcond=None)[0]
            e = yr - z @ b
            return len(y) / 2 * np.log(e @ e / len(y)) - T * np.linalg.slogdet(np.eye(N) - r * ws)[1], b
    else:
        z = np.hstack([x, dums])

        def negll(r):
            f = np.eye(N * T) - r * big(wo)
            b = np.linalg.lstsq(f @ z, f @ y, rcond=None)[0]
            e = f @ (y - z @ b)
            return len(y) / 2 * np.log(e @ e / len(y)) - T * np.linalg.slogdet(np.eye(N) - r * wo)[1], b

    r = optimize.minimize_scalar(
        lambda r: negll(r)[0], bounds=(-0.99, 0.99), method="bounded", options={"xatol": 1e-12}
    ).x
    b = negll(r)[1]
    k = 4 if model == "sdm" else 2
    return np.r_[b[:k], r]


@pytest.mark.parametrize("model", ["sdm", "sem"])
def test_separate_weights_equal_dense_dummy_model(model):
    df, w, wo = _panel()
    kw = {"w_x": wo} if model == "sdm" else {"w_error": wo}
    res = SpatialPanel(df, y="y", x=["x1", "x2"], id="id", time="time", w=w, model=model, effects="twoways", **kw).fit()
    np.testing.assert_allclose(res.params.to_numpy(), _dense_ml(df, w, model, wo), rtol=0, atol=1e-6)
    # not the model with W everywhere
    same = SpatialPanel(df, y="y", x=["x1", "x2"], id="id", time="time", w=w, model=model, effects="twoways").fit()
    assert np.max(np.abs(same.params.to_numpy() - res.params.to_numpy())) > 1e-3


@pytest.mark.parametrize("model", ["sdm", "sac", "sdem"])
def test_same_matrix_three_times_changes_nothing(model):
    df, w, _ = _panel()
    kw = dict(y="y", x=["x1", "x2"], id="id", time="time", model=model, effects="twoways")
    a = SpatialPanel(df, w=w, **kw).fit()
    b = SpatialPanel(df, w=w.copy(), w_error=w.copy(), w_x=w.copy(), **kw).fit()
    pd.testing.assert_series_equal(a.params, b.params, rtol=0, atol=0)
    pd.testing.assert_frame_equal(a.cov, b.cov, rtol=0, atol=0)
    if model != "sdem":
        pd.testing.assert_frame_equal(a.impacts(se="delta"), b.impacts(se="delta"), rtol=0, atol=0)


def test_delta_with_a_weights_matrix_per_period():
    """Year-specific W (a ring of two neighbours in the first two periods, of one after): the effects are the
    periods' average effects, and their delta-method SEs those of the gradient of that average, here by
    central differences of the dense formula period by period."""
    df, w, _ = _panel()
    w1 = _ring(N, 1)
    by = {t: (w if t < 2 else w1) for t in range(T)}
    xs = ["x1", "x2"]
    res = SpatialPanel(df, y="y", x=xs, id="id", time="time", w=by, model="sdm", effects="individual").fit()
    imp = res.impacts(se="delta")

    def effects(params):
        return np.mean([_dense_effects(params, by[t], by[t], xs) for t in range(T)], axis=0)

    p0 = res.params.to_dict()
    est = np.array([imp.loc[(v, k), "estimate"] for v in xs for k in ("direct", "indirect", "total")])
    np.testing.assert_allclose(est, effects(p0), rtol=1e-9)
    np.testing.assert_allclose(_as_vector(imp, xs), _numerical_delta(res, None, None, xs, effects=effects), rtol=1e-6)
