"""Spatial IV (aicoord.panel.iv) against independent computations on the same transformed model.

References: the point estimates are the 2SLS / two-step GMM formulas on the stacked within-transformed
data with ``I_T (x) W`` built densely here (and spreg's ``GM_Lag`` with ``yend``/``q`` for the SAR); the
covariances, first-stage F, partial R^2, Hansen J, Cragg-Donald F, Anderson's canonical-correlation LM and
the Anderson-Rubin statistic are their textbook formulas (Wooldridge 2010, ch. 5-6 and 8; Stock, Wright and
Yogo 2002; Anderson and Rubin 1949) written out below.  Tolerance: 1e-8 (the issue's criterion; both sides
are direct linear algebra on the same ~500 x 10 arrays, accurate to ~1e-12).
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aicoord.errors import InputError
from aicoord.panel import SpatialPanel
from iv_dgp import iv_model, simulate

TOL = 1e-8


@pytest.fixture(scope="module")
def panel():
    return simulate(3)


def _q(t, n, effects):
    it, iN = np.eye(t), np.eye(n)
    jt, jn = np.full((t, t), 1 / t), np.full((n, n), 1 / n)
    return {"twoways": np.kron(it - jt, iN - jn), "individual": np.kron(it - jt, iN), "time": np.kron(it, iN - jn)}[
        effects
    ]


def _stack(df, W, effects, wx, endog_w, lag, w_lags=2, inst=("z1", "z2")):
    """Dense ``(y, X, H)`` of the demeaned model, built independently of the package."""
    d = df.sort_values(["t", "id"])
    t, n = d["t"].nunique(), d["id"].nunique()
    Q = _q(t, n, effects)
    Wf = np.kron(np.eye(t), W)
    y, ai, x = (d[c].to_numpy() for c in ("y", "ai", "x"))
    Z = d[list(inst)].to_numpy()
    X = [x, ai] + ([Wf @ x] if wx else []) + ([Wf @ ai] if endog_w else []) + ([Wf @ y] if lag else [])
    H = [x] + ([Wf @ x] if wx else [])
    if lag:
        p = Wf @ x if wx else x
        for _ in range(w_lags):
            p = Wf @ p
            H.append(p)
        if not wx:  # W x .. W^w_lags x
            H = [x] + [np.linalg.matrix_power(Wf, j) @ x for j in range(1, w_lags + 1)]
    H += list(Z.T)
    zl = w_lags if lag else (1 if endog_w else 0)
    for j in range(1, zl + 1):
        H += list((np.linalg.matrix_power(Wf, j) @ Z).T)
    return Q @ y, Q @ np.column_stack(X), Q @ np.column_stack(H), d


def _tsls(y, X, H):
    Xh = H @ np.linalg.lstsq(H, X, rcond=None)[0]
    b = np.linalg.solve(Xh.T @ X, Xh.T @ y)
    return b, Xh


def _ordered(res, lag, wx=True, endog_w=True):
    names = ["x", "ai"] + (["W*x"] if wx else []) + (["W*ai"] if endog_w else []) + (["rho"] if lag else [])
    return res.params[names].to_numpy(), names


@pytest.mark.parametrize(
    "model,effects",
    [("sdm", "twoways"), ("sdm", "individual"), ("sdm", "time"), ("sar", "twoways"), ("slx", "twoways")],
)
def test_tsls_equals_dense_formula(panel, model, effects):
    df, W = panel
    lag, wx = model != "slx", model != "sar"
    res = iv_model(df, W, model=model, effects=effects).fit(cov_type="homoskedastic")
    y, X, H, _ = _stack(df, W, effects, wx=wx, endog_w=wx, lag=lag)
    b, Xh = _tsls(y, X, H)
    got, names = _ordered(res, lag, wx, wx)
    np.testing.assert_allclose(got, b, rtol=0, atol=TOL)
    # homoskedastic covariance: s2 (Xh'Xh)^{-1}, s2 = e'e/(n - k - f)
    n, k = X.shape
    fe = {"twoways": 49 + 10 - 1, "individual": 49, "time": 10}[effects]
    e = y - X @ b
    cov = e @ e / (n - k - fe) * np.linalg.inv(Xh.T @ Xh)
    np.testing.assert_allclose(res.cov.loc[names, names].to_numpy(), cov, rtol=1e-9, atol=1e-14)


def test_sar_equals_spreg_gm_lag(panel):
    """spreg GM_Lag with yend/q on the stacked unit-demeaned data and I_T (x) W: the lag of the demeaned y
    equals the demeaned lag for individual effects (with time effects only when W's columns also sum to
    one); w_lags=2 gives the instruments X, WX, W2X, z, Wz, W2z."""
    from libpysal.weights import WSP
    from scipy import sparse
    from spreg import GM_Lag

    df, W = panel
    res = iv_model(df, W, model="sar", effects="individual").fit(cov_type="homoskedastic")
    d = df.sort_values(["t", "id"])
    Q = _q(10, 49, "individual")
    wsp = WSP(sparse.csr_matrix(np.kron(np.eye(10), W))).to_W(silence_warnings=True)
    col = lambda c: (Q @ d[c].to_numpy())[:, None]  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # spreg's own pandas deprecation warnings
        m = GM_Lag(col("y"), col("x"), yend=col("ai"), q=np.hstack([col("z1"), col("z2")]), w=wsp, w_lags=2, lag_q=True)
    # spreg: constant, x, ai, W_y (the constant is orthogonal to the demeaned columns)
    np.testing.assert_allclose(res.params[["x", "ai", "rho"]].to_numpy(), m.betas[1:, 0], rtol=0, atol=TOL)


def _gmm(y, X, H, meat):
    b1, _ = _tsls(y, X, H)
    S = meat(y - X @ b1) / len(y)
    A = X.T @ H @ np.linalg.solve(S, H.T)
    b2 = np.linalg.solve(A @ X, A @ y)
    e2 = y - X @ b2
    g = H.T @ e2 / len(y)
    return b2, g, S, e2


@pytest.mark.parametrize("cov_type", ["robust", "cluster"])
def test_gmm_sandwich_and_hansen_j(panel, cov_type):
    """Two-step efficient GMM and Hansen's J = n g' S^{-1} g (S from the first-step 2SLS residuals, as in
    linearmodels), and the 2SLS sandwich covariances with the documented small-sample factors."""
    df, W = panel
    mod = iv_model(df, W)
    y, X, H, d = _stack(df, W, "twoways", True, True, True)
    groups = d["id"].to_numpy()

    def meat(e):
        s = H * e[:, None]
        if cov_type == "cluster":
            s = pd.DataFrame(s).groupby(groups).sum().to_numpy()
        return s.T @ s

    b2, g, S, e2 = _gmm(y, X, H, meat)
    names = ["x", "ai", "W*x", "W*ai", "rho"]
    gres = mod.fit(cov_type=cov_type, estimator="gmm")
    np.testing.assert_allclose(gres.params[names].to_numpy(), b2, rtol=0, atol=TOL)
    res = mod.fit(cov_type=cov_type)
    J = len(y) * g @ np.linalg.solve(S, g)
    assert res.first_stage["joint"]["hansen_j"]["df"] == H.shape[1] - X.shape[1]
    np.testing.assert_allclose(res.first_stage["joint"]["hansen_j"]["statistic"], J, rtol=1e-8)
    b, Xh = _tsls(y, X, H)
    e = y - X @ b
    n, k = X.shape
    sc = Xh * e[:, None]
    if cov_type == "cluster":
        sc = pd.DataFrame(sc).groupby(groups).sum().to_numpy()
        fac = 49 / 48 * (n - 1) / (n - k)
    else:
        fac = n / (n - k - 58)
    bread = np.linalg.inv(Xh.T @ Xh)
    np.testing.assert_allclose(
        res.cov.loc[names, names].to_numpy(), fac * bread @ sc.T @ sc @ bread, rtol=1e-8, atol=1e-14
    )


def _ols_rss(y, X):
    return float(((y - X @ np.linalg.lstsq(X, y, rcond=None)[0]) ** 2).sum())


def test_first_stage_f_partial_r2_cragg_donald_and_anderson_lm(panel):
    df, W = panel
    res = iv_model(df, W).fit(cov_type="homoskedastic")
    y, X, H, _ = _stack(df, W, "twoways", True, True, True)
    exog, endog, excl = X[:, [0, 2]], X[:, [4, 1, 3]], H[:, 2:]  # W*y, ai, W*ai as in the design
    n, L = excl.shape
    dfree = n - 2 - L - 58
    fs = res.first_stage
    for j, nm in enumerate(["W*y", "ai", "W*ai"]):
        rr, ru = _ols_rss(endog[:, j], exog), _ols_rss(endog[:, j], np.hstack([exog, excl]))
        np.testing.assert_allclose(fs["regressors"][nm]["f"], (rr - ru) / L / (ru / dfree), rtol=1e-9)
        np.testing.assert_allclose(fs["regressors"][nm]["partial_r2"], (rr - ru) / rr, rtol=1e-9)
    # Cragg-Donald F (Stock-Yogo) and Anderson's LM n * (smallest canonical correlation)^2
    M = lambda a: a - exog @ np.linalg.lstsq(exog, a, rcond=None)[0]  # noqa: E731
    Yt, Zt = M(endog), M(excl)
    PY = Zt @ np.linalg.lstsq(Zt, Yt, rcond=None)[0]
    svv = (Yt - PY).T @ (Yt - PY) / dfree
    cd = np.min(np.linalg.eigvals(np.linalg.solve(svv, Yt.T @ PY)).real) / L
    np.testing.assert_allclose(fs["joint"]["kp_rk_wald_f"], cd, rtol=1e-8)
    r2 = np.min(np.linalg.eigvals(np.linalg.solve(Yt.T @ Yt, Yt.T @ PY)).real)
    np.testing.assert_allclose(fs["joint"]["kp_lm"]["statistic"], n * r2, rtol=1e-8)
    assert fs["joint"]["kp_lm"]["df"] == L - 3 + 1


def test_single_endogenous_kp_equals_first_stage_f_and_sw(panel):
    """With one endogenous regressor (SLX, W*x only) the KP rk Wald F, the SW F and the first-stage F
    coincide under every covariance (Sanderson and Windmeijer 2016, sec. 3)."""
    df, W = panel
    mod = iv_model(df, W, wx=["x"], model="slx")
    for ct in ("homoskedastic", "robust", "cluster"):
        fs = mod.fit(cov_type=ct).first_stage
        f = fs["regressors"]["ai"]["f"]
        np.testing.assert_allclose(fs["regressors"]["ai"]["sw_f"], f, rtol=1e-10)
        np.testing.assert_allclose(fs["joint"]["kp_rk_wald_f"], f, rtol=1e-10)


def test_anderson_rubin_textbook(panel):
    """Single endogenous regressor: AR(b0) = [(RSS_r - RSS_u)/L] / [RSS_u/(n - k1 - L - f)] for y - b0 ai;
    the confidence set's end points are where AR equals the F critical value."""
    df, W = panel
    res = iv_model(df, W, wx=["x"], model="slx").fit(cov_type="homoskedastic")
    y, X, H, _ = _stack(df, W, "twoways", wx=True, endog_w=False, lag=False)
    exog, ai, excl = X[:, [0, 2]], X[:, 1], H[:, 2:]
    n, L = excl.shape
    dfree = n - 2 - L - 58

    def ar(b0):
        yy = y - b0 * ai
        rr, ru = _ols_rss(yy, exog), _ols_rss(yy, np.hstack([exog, excl]))
        return (rr - ru) / L / (ru / dfree)

    a = res.first_stage["anderson_rubin"]["ai"]
    np.testing.assert_allclose(a["statistic_at_0"], ar(0.0), rtol=1e-9)
    crit = stats.f.ppf(0.95, L, dfree)
    assert a["bounded"] and a["pieces"] == 1
    np.testing.assert_allclose([ar(a["lower"]), ar(a["upper"])], [crit, crit], rtol=1e-7)
    assert a["lower"] < res.params["ai"] < a["upper"]


def test_endogeneity_c_test_detects_confounder(panel):
    df, W = panel
    fs = iv_model(df, W).fit(cov_type="cluster").first_stage
    e = fs["endogeneity"]["ai"]
    assert e["tested"] == ["ai", "W*ai"] and e["df"] == 2
    assert e["p"] < 0.01  # the confounder makes ai endogenous (conf = 0.8 in iv_dgp)


def test_effects_from_iv_estimates(panel):
    """Effects use the IV estimates: SDM delta-method effects equal the LeSage-Pace formulas on the IV
    parameters (dense inverse)."""
    df, W = panel
    res = iv_model(df, W).fit(cov_type="cluster")
    imp = res.impacts(se="delta")
    p = res.params
    S = np.linalg.inv(np.eye(49) - p["rho"] * W) @ (p["ai"] * np.eye(49) + p["W*ai"] * W)
    np.testing.assert_allclose(imp.loc[("ai", "direct"), "estimate"], np.trace(S) / 49, rtol=1e-10)
    np.testing.assert_allclose(imp.loc[("ai", "total"), "estimate"], S.sum() / 49, rtol=1e-10)
    assert imp.loc[("ai", "total"), "se"] > 0


def test_cluster_by_any_column(panel):
    df, W = panel
    res = iv_model(df, W).fit(cov_type="cluster", cluster="g")
    assert res.cov_info["n_clusters"] == 7 and res.cov_info["cluster"] == "g"
    assert "7 clusters for 10 moment conditions" in res.first_stage["notes"][0]


def test_cluster_by_the_time_column_equals_clusters_by_a_copy_of_it(panel):
    """The time column is in the index of the IV fit's frame: clustering by it must read it there (it raised a
    KeyError), giving the same covariance as clustering by a plain column with the same values."""
    df, W = panel
    by_time = iv_model(df, W).fit(cov_type="cluster", cluster="t")
    by_copy = iv_model(df.assign(t_copy=df["t"]), W).fit(cov_type="cluster", cluster="t_copy")
    assert by_time.cov_info["cluster"] == "t" and by_time.cov_info["n_clusters"] == df["t"].nunique()
    np.testing.assert_array_equal(by_time.cov, by_copy.cov)


@pytest.mark.parametrize("cluster", [None, "id", "t", "g"])
def test_iv_hands_linearmodels_the_cluster_labels_in_the_fits_row_order(panel, monkeypatch, cluster):
    """linearmodels sorts the cluster labels it is given and sums over the clusters in that order. The IV fit
    hands it the column's own values (the unit ids when clustering by unit) in the fit's time-major order, not
    codes in the model's unit order: codes moved the default study's clustered IV estimates in their tenth
    significant digit (0062e28), so its tables were no longer byte-identical to those before."""
    import aicoord.panel.iv as iv

    df, W = panel
    # labels that are not their own codes: unit and group names (sorted as the integers were), calendar years
    df = df.assign(id=[f"unit{i:03d}" for i in df["id"]], t=df["t"] + 2011, g=[f"group {g}" for g in df["g"]])
    seen = {}
    real = iv.fit_iv
    monkeypatch.setattr(iv, "fit_iv", lambda *a, **k: seen.update(k) or real(*a, **k))
    res = iv_model(df, W).fit(cov_type="cluster", **({} if cluster is None else {"cluster": cluster}))
    ordered = df.sort_values(["t", "id"])
    np.testing.assert_array_equal(seen["clusters"], ordered[cluster or "id"].to_numpy())
    assert res.cov_info["n_clusters"] == df[cluster or "id"].nunique()


def test_iv_cluster_column_with_a_missing_value_is_refused_as_for_ml(panel):
    df, W = panel
    bad = df.assign(g2=df["g"].astype(float))
    bad.loc[bad.index[3], "g2"] = np.nan
    with pytest.raises(InputError, match="cluster column 'g2' has missing values"):
        iv_model(bad, W).fit(cov_type="cluster", cluster="g2")
    with pytest.raises(InputError, match="cluster column 'nope' is not in the data"):
        iv_model(df, W).fit(cov_type="cluster", cluster="nope")


@pytest.mark.parametrize(
    "kw,msg",
    [
        (dict(model="sem"), "IV estimation is implemented"),
        (dict(instruments=["x"]), "also regressors"),
        (dict(instruments=["nope"]), "not in the data"),
        (dict(effects="random"), "pooled or fixed effects"),
        (dict(instruments=["zs"]), "not numeric"),
        (dict(instruments=["zn"]), "missing or infinite"),
    ],
)
def test_bad_specifications(panel, kw, msg):
    df, W = panel
    args = dict(
        y="y", x=["x"], id="id", time="t", w=W, model="sdm", effects="twoways", endog=["ai"], instruments=["z1"]
    )
    args.update(kw)
    df = df.assign(zs="a", zn=np.where(df["id"] == 3, np.nan, 1.0))
    with pytest.raises(InputError, match=msg):
        SpatialPanel(df, **args)


def test_order_condition(panel):
    df, W = panel
    mod = iv_model(df, W, x=[], model="slx", instruments=["z1"])
    # SLX with ai and W*ai endogenous: z1, W*z1 just identify; with wx=[] a single instrument suffices
    assert mod.fit(cov_type="robust").first_stage["n_excluded"] == 2
    with pytest.raises(InputError, match="cov_type"):
        mod.fit(cov_type="driscoll-kraay")
