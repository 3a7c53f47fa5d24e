"""The ``cov_type`` options of the spatial panel fits against an independent computation.

Reference: on a small simulated panel (9 units, 5 periods, seeded), the per-observation
log-likelihood of the dummy-variable model is written out here with dense matrices (the
projection ``Q`` off the unit and/or period dummies, ``log|I - rho W|`` by ``slogdet``); its
per-observation scores come from central differences and its Hessian from second differences of
the summed log-likelihood.  The covariances are then assembled here from the formulas of the
sources and compared with ``SpatialPanel.fit(cov_type=...)``, whose scores and Hessian are
analytic (fixed effects) or whose Hessian is numerical (random effects, hence the looser
tolerance there).

Conventions, compared with ``xsmle`` (Belotti, Hughes and Piano Mortari 2017, Stata Journal
17(1), and ``help xsmle``): ``xsmle`` maximises the full log-likelihood of the demeaned model
with Stata's ``ml``, observation by observation, the log-Jacobian ``log|I - rho W|`` of each
period entering as ``log|I - rho W| / N`` in each of its N observations; ``vce(robust)`` and
``vce(cluster id)`` are then Stata's ``ml`` sandwiches ``A (sum s s') A`` with ``A`` the inverse
of the negative observed Hessian and the factor ``n/(n-1)`` (robust) or ``G/(G-1)`` (cluster;
also Cameron and Miller 2015, sec. VI.C); ``sigma2`` is one of the ML parameters and so in the
score vector.  ``vce(dkraay #)`` sums the scores by period and applies Bartlett weights
``1 - l/(L+1)`` to the autocovariances up to lag ``L`` (Driscoll and Kraay 1998; Hoechle 2007),
with no small-sample factor.  The same conventions are written out below, independently of the
package.  (``xsmle`` itself is not run here: it needs Stata.)

Since issue 23 the ``opg``, ``robust`` and ``cluster`` options no longer use these per-observation
scores, whose pieces are correlated across neighbours, but the martingale-difference pieces of the
linear-quadratic scores (Kelejian and Prucha 2001; Liu and Yang 2015; Yang 2018).  The reference
:func:`_md_reference` builds them here from dense matrices: the residuals and their derivatives by
central differences of the dense model, the time transformation (forward orthogonal deviations,
written out from their definition), the stacked block-diagonal quadratic matrices and the
lower triangle of the whole stacked matrix.  ``driscoll-kraay`` still sums the per-observation
scores by period (their period sums are the period's linear-quadratic score).
"""

import numpy as np
import pandas as pd
import pytest

from aicoord.errors import InputError
from aicoord.panel import SpatialPanel

N, T = 9, 5


def _ring_w(n, k=2):
    w = np.zeros((n, n))
    for i in range(n):
        for d in range(1, k + 1):
            w[i, (i + d) % n] = w[i, (i - d) % n] = 1.0
    return w


def _panel(seed=3):
    rng = np.random.default_rng(seed)
    w = _ring_w(N)
    ws = w / w.sum(1, keepdims=True)
    x = rng.normal(size=(T, N, 2))
    alpha = rng.normal(size=N)
    gamma = rng.normal(size=T)
    a = np.linalg.inv(np.eye(N) - 0.4 * ws)
    y = np.empty((T, N))
    for t in range(T):
        u = np.linalg.solve(np.eye(N) - 0.3 * ws, rng.normal(size=N) * (0.5 + 0.5 * (np.arange(N) % 3)))
        y[t] = a @ (x[t] @ [1.0, -0.5] + ws @ x[t] @ [0.3, 0.2] + alpha + gamma[t] + u)
    rows = [
        {"id": i, "time": 2000 + t, "y": y[t, i], "x1": x[t, i, 0], "x2": x[t, i, 1], "region": i % 3}
        for t in range(T)
        for i in range(N)
    ]
    return pd.DataFrame(rows), w


def _projection(effects):
    """Q = I - D (D'D)^+ D' for the unit and/or period dummies (time-major)."""
    cols = []
    if effects in ("individual", "twoways"):
        cols.append(np.kron(np.ones((T, 1)), np.eye(N)))
    if effects in ("time", "twoways"):
        cols.append(np.kron(np.eye(T), np.ones((N, 1))))
    if not cols:
        return np.eye(N * T)
    d = np.hstack(cols)
    return np.eye(N * T) - d @ np.linalg.pinv(d)


def _dense_design(df, wx, model, effects):
    """``y``, the design (constant, x, ``W_x x``), the projection ``Q`` and whether the model has a spatial lag
    and a spatial error, time-major; ``wx`` is one standardised matrix per period."""
    from scipy.linalg import block_diag

    d = df.sort_values(["time", "id"])
    y = d["y"].to_numpy()
    x = d[["x1", "x2"]].to_numpy()
    z = [x] + ([block_diag(*wx) @ x] if model in ("sdm", "slx", "sdem") else [])
    if effects == "none":
        z.insert(0, np.ones((N * T, 1)))
    return (y, np.hstack(z), _projection(effects), model in ("sar", "sdm", "sac"), model in ("sem", "sac", "sdem"))


def _loglik_obs(df, w, model, effects, w_e=None, w_x=None, lee_yu=False):
    """Per-observation log-likelihood of theta = (beta, [rho], [lambda], sigma2), dense.  With
    the Lee-Yu correction (Lee and Yu 2010) the likelihood has ``n_eff`` = N(T-1) (individual),
    (N-1)(T-1) (two-way) or (N-1)T (time) observations and the log-Jacobian
    ``(T-1)/T`` (individual, two-way) times ``sum_t log|I - rho W|`` minus ``T log(1 - rho)``
    (time, two-way); it is spread as: ``-(n_eff/(NT))/2 log(2 pi sigma2)`` and ``1/N`` of the
    period's log-Jacobian per observation.  ``w`` may be a list of one matrix per period."""
    from scipy.linalg import block_diag

    def per_period(m):
        return [a / a.sum(1, keepdims=True) for a in (m if isinstance(m, list) else [m] * T)]

    ws = per_period(w)
    we = ws if w_e is None else per_period(w_e)
    wx = ws if w_x is None else per_period(w_x)
    big = lambda ms: block_diag(*ms)  # noqa: E731
    y, z, q, lag, err = _dense_design(df, wx, model, effects)
    k = z.shape[1]
    n_eff, scale, tw = N * T, 1.0, False
    if lee_yu:
        n_eff = {"individual": N * (T - 1), "twoways": (N - 1) * (T - 1), "time": (N - 1) * T}[effects]
        scale = 1.0 if effects == "time" else (T - 1) / T
        tw = effects in ("time", "twoways")

    def logjac(r, ms):
        per = [scale * (np.linalg.slogdet(np.eye(N) - r * m)[1] - (np.log(1 - r) if tw else 0.0)) / N for m in ms]
        return np.repeat(per, N)

    def f(theta):
        b = theta[:k]
        i = k
        rho = lam = 0.0
        if lag:
            rho, i = theta[i], i + 1
        if err:
            lam, i = theta[i], i + 1
        s2 = theta[i]
        u = y - rho * big(ws) @ y - z @ b
        e = q @ (u - lam * big(we) @ u)
        jac = (logjac(rho, ws) if lag else 0.0) + (logjac(lam, we) if err else 0.0)
        return -0.5 * n_eff / (N * T) * np.log(2 * np.pi * s2) - e**2 / (2 * s2) + jac

    return f


def _num_scores(f, theta, h=1e-4):
    """Per-observation gradient of ``f``: central differences with Richardson extrapolation
    (steps h and h/2, error O(h^4))."""

    def central(step_rel):
        out = np.empty((len(f(theta)), len(theta)))
        for j in range(len(theta)):
            step = step_rel * max(abs(theta[j]), 0.1)
            e = np.zeros(len(theta))
            e[j] = step
            out[:, j] = (f(theta + e) - f(theta - e)) / (2 * step)
        return out

    return (4 * central(h / 2) - central(h)) / 3


def num_hessian(f, theta, h=2e-3):
    """Hessian of ``sum f``: four-point second differences with Richardson extrapolation."""
    g = lambda th: f(th).sum()  # noqa: E731
    k = len(theta)

    def second(step_rel):
        st = step_rel * np.maximum(np.abs(theta), 0.1)
        out = np.empty((k, k))
        for i in range(k):
            for j in range(i, k):
                ei, ej = np.zeros(k), np.zeros(k)
                ei[i], ej[j] = st[i], st[j]
                out[i, j] = out[j, i] = (
                    g(theta + ei + ej) - g(theta + ei - ej) - g(theta - ei + ej) + g(theta - ei - ej)
                ) / (4 * st[i] * st[j])
        return out

    return (4 * second(h / 2) - second(h)) / 3


def _reference_cov(s, h, cov_type, groups=None, lag=None):
    n = len(s)
    a = np.linalg.inv(-h)
    if cov_type == "opg":
        return np.linalg.inv(s.T @ s)
    if cov_type == "robust":
        return n / (n - 1) * a @ s.T @ s @ a
    if cov_type == "cluster":
        labels = sorted(set(groups))
        sg = np.array([s[np.asarray(groups) == g].sum(0) for g in labels])
        gg = len(labels)
        return gg / (gg - 1) * a @ sg.T @ sg @ a
    st = s.reshape(T, N, -1).sum(1)  # time-major rows: sum within each period
    omega = st.T @ st
    for lg in range(1, lag + 1):
        gam = sum(np.outer(st[t], st[t - lg]) for t in range(lg, T))
        omega = omega + (1 - lg / (lag + 1)) * (gam + gam.T)
    return a @ omega @ a


def _helmert(t):
    """Forward orthogonal deviations (Arellano and Bover 1995): row s of the ``(T-1) x T`` matrix maps a
    unit's series to ``sqrt((T-s)/(T-s+1)) (e_s - mean(e_{s+1}, ..., e_T))``, s = 1..T-1."""
    f = np.zeros((t - 1, t))
    for s in range(1, t):
        f[s - 1, s - 1] = 1.0
        f[s - 1, s:] = -1.0 / (t - s)
        f[s - 1] *= np.sqrt((t - s) / (t - s + 1))
    return f


def _md_reference(df, w, model, effects, res, labels=None, w_e=None):
    """Martingale-difference pieces of the scores, dense (see the module notes): rows are the
    transformed observations ordered by (period, cluster label, unit); returns the pieces and the
    label of each row."""
    from scipy.linalg import block_diag

    def std(m):
        return [a / a.sum(1, keepdims=True) for a in (m if isinstance(m, list) else [m] * T)]

    ws = std(w)
    we = ws if w_e is None else std(w_e)
    y, z, q, lag, err = _dense_design(df, ws, model, effects)
    k = z.shape[1]
    bw, bwe = block_diag(*ws), block_diag(*we)

    def resid(th):
        b, i = th[:k], k
        rho = lam = 0.0
        if lag:
            rho, i = th[i], i + 1
        if err:
            lam = th[i]
        u = y - rho * bw @ y - z @ b
        return q @ (u - lam * bwe @ u)

    theta = res.params.to_numpy()
    s2 = res.sigma2
    e = resid(theta)
    r = np.empty((N * T, len(theta)))
    for j in range(len(theta)):  # e is linear in each parameter: central differences are exact
        st = np.zeros(len(theta))
        st[j] = 1e-3
        r[:, j] = -(resid(theta + st) - resid(theta - st)) / 2e-3
    timex = effects in ("individual", "twoways")
    qn = np.eye(N) - (1.0 / N if effects in ("time", "twoways") else 0.0)
    h = np.kron(_helmert(T), np.eye(N)) if timex else np.eye(N * T)
    tp = T - 1 if timex else T
    u, rr = h @ e, h @ r
    eye = np.eye(N)
    mats = []
    if lag:
        blocks = []
        for t in range(tp):
            g = ws[t] @ np.linalg.inv(eye - res.rho * ws[t])
            if err:
                b = eye - res.lam * we[t]
                g = b @ g @ np.linalg.inv(b)
            blocks.append(qn @ g @ qn)
        mats.append(block_diag(*blocks))
    if err:
        mats.append(block_diag(*[qn @ we[t] @ np.linalg.inv(eye - res.lam * we[t]) @ qn for t in range(tp)]))
    big_q = np.kron(np.eye(tp), qn)
    lab = np.zeros(tp * N) if labels is None else np.asarray(labels)[: tp * N]
    order = np.lexsort((np.tile(np.arange(N), tp), lab, np.repeat(np.arange(tp), N)))
    u, rr, lab = u[order], rr[order], lab[order]
    mats = [m[np.ix_(order, order)] for m in mats]
    big_q = big_q[np.ix_(order, order)]

    def quad(m):
        ms = (m + m.T) / 2
        return u * (2 * np.tril(ms, -1) @ u + np.diag(m) * u) - s2 * np.diag(m)

    pieces = [rr[:, j] * u / s2 for j in range(k)]
    for j, m in enumerate(mats):
        col = rr[:, k + j]
        pieces.append(((col - m @ u) * u + quad(m)) / s2)
    pieces.append(quad(big_q) / (2 * s2**2))
    return np.column_stack(pieces), lab


def _theta(res):
    return np.r_[res.params.to_numpy(), res.sigma2]


def _check(res, ref, h, tol=1e-6):
    """Every covariance to ``tol`` on the scale ``a_i a_j`` with ``a = sqrt(diag((-H)^{-1}))``,
    the inverse-Hessian standard errors: differences are measured in units of the model's own
    precision, so that a covariance that is small by cancellation (e.g. a Driscoll-Kraay variance
    from 5 period sums) is not judged by the rounding of the finite differences alone."""
    k = len(res.params)
    a = np.sqrt(np.diag(np.linalg.inv(-h)))
    sc = np.outer(a, a)
    np.testing.assert_allclose(res.cov.to_numpy() / sc[:k, :k], ref[:k, :k] / sc[:k, :k], rtol=tol, atol=tol)
    assert res.sigma2_se**2 / sc[k, k] == pytest.approx(ref[k, k] / sc[k, k], rel=tol, abs=tol)


CASES = [
    ("sar", "twoways", False),
    ("sdm", "individual", False),
    ("sem", "twoways", False),
    ("sac", "twoways", False),
    ("slx", "time", False),
    ("sdem", "individual", False),
    ("sdm", "none", False),
    ("sdm", "individual", True),
    ("sar", "twoways", True),
    ("sem", "time", True),
    ("sac", "twoways", True),
]


@pytest.mark.parametrize("model,effects,lee_yu", CASES)
def test_score_covariances_match_numerical_derivatives(model, effects, lee_yu):
    df, w = _panel()
    mod = SpatialPanel(
        df, y="y", x=["x1", "x2"], id="id", time="time", w=w, model=model, effects=effects, lee_yu=lee_yu
    )
    base = mod.fit()
    f = _loglik_obs(df, w, model, effects, lee_yu=lee_yu)
    theta = _theta(base)
    s = _num_scores(f, theta)
    np.testing.assert_allclose(s.sum(0), 0, atol=1e-5)  # the estimate is a root of the score
    h = num_hessian(f, theta)
    units = df.sort_values(["time", "id"])["id"].to_numpy()
    regions = df.sort_values(["time", "id"])["region"].to_numpy()
    p, _ = _md_reference(df, w, model, effects, base)
    _check(mod.fit(cov_type="opg"), _reference_cov(p, h, "opg"), h)
    _check(mod.fit(cov_type="robust"), _reference_cov(p, h, "robust"), h)
    res = mod.fit(cov_type="cluster", bootstrap=199)  # 9 clusters: refused without the bootstrap
    p, lab = _md_reference(df, w, model, effects, base, units)
    _check(res, _reference_cov(p, h, "cluster", lab), h)
    assert res.cov_info["n_clusters"] == N and res.cov_info["factor"] == pytest.approx(N / (N - 1))
    res = mod.fit(cov_type="cluster", cluster="region", bootstrap=199)
    p, lab = _md_reference(df, w, model, effects, base, regions)
    _check(res, _reference_cov(p, h, "cluster", lab), h)
    assert (
        "by region (3 clusters); p-values and intervals from an unrestricted wild cluster bootstrap"
        in res.cov_info["note"]
    )
    assert res.cov_info["cluster"] == "region" and res.cov_info["n_clusters"] == 3
    assert mod.fit(cov_type="robust").cov_info["cluster"] is None
    for lag in (0, 2):
        _check(mod.fit(cov_type="driscoll-kraay", dk_lag=lag), _reference_cov(s, h, "dk", lag=lag), h)
    res = mod.fit(cov_type="driscoll-kraay")  # default lag floor(4 (5/100)^(2/9)) = 2
    assert res.cov_info["dk_lag"] == 2
    _check(res, _reference_cov(s, h, "dk", lag=2), h)
    # estimates and oim untouched
    np.testing.assert_allclose(res.params, base.params, rtol=0, atol=0)
    assert base.cov_info["cov_type"] == "oim"
    if model == "slx" or (model == "sac" and lee_yu):
        # oim covariances that must equal the inverse of this dense likelihood's Hessian: the SLX's (least
        # squares: expected and observed information coincide at the estimate; measured 1e-8) and the Lee-Yu
        # SAC's (a numerical Hessian of the engine's own full likelihood; measured 9e-6). The analytic information
        # of the other models is the expected one and differs from the observed one at N = 9, T = 5.
        _check(base, np.linalg.inv(-h), h, tol=1e-4)


def test_random_effects_refuse_score_covariances():
    """Random effects: the GLS transformation mixes a unit's periods, so the scores do not split into
    martingale differences by unit-period; every score-based option is refused with one message."""
    df, w = _panel()
    mod = SpatialPanel(df, y="y", x=["x1", "x2"], id="id", time="time", w=w, model="sar", effects="random")
    for ct in ("opg", "robust", "cluster", "driscoll-kraay"):
        with pytest.raises(InputError, match=f"^cov_type '{ct}' is not available for random effects") as exc:
            mod.fit(cov_type=ct)
        assert exc.value.hint == "use cov_type='oim', or fixed effects"


def test_weights_by_year_scores():
    """A weights matrix per period (two matrices): the log-Jacobian of each period is spread over its own N
    observations (Driscoll-Kraay); with time effects the martingale differences use each period's own
    matrix; with two-way effects the time demeaning does not commute with the weights and the
    martingale-difference options are refused."""
    df, w = _panel()
    w1 = _ring_w(N, 1)
    by = {2000 + t: (w1 if t < 2 else w) for t in range(T)}
    wl = [by[2000 + t] for t in range(T)]
    for model in ("sdm", "sem"):
        mod = SpatialPanel(df, y="y", x=["x1", "x2"], id="id", time="time", w=by, model=model, effects="twoways")
        base = mod.fit()
        f = _loglik_obs(df, wl, model, "twoways")
        s = _num_scores(f, _theta(base))
        h = num_hessian(f, _theta(base))
        _check(mod.fit(cov_type="driscoll-kraay", dk_lag=1), _reference_cov(s, h, "dk", lag=1), h)
        with pytest.raises(InputError, match="weights matrix per period and twoways effects") as exc:
            mod.fit(cov_type="robust")
        assert exc.value.hint == "use cov_type='oim' or 'driscoll-kraay', or one weights matrix"
        mod = mod.respecify(effects="time")
        base = mod.fit()
        h = num_hessian(_loglik_obs(df, wl, model, "time"), _theta(base))
        p, _ = _md_reference(df, wl, model, "time", base)
        _check(mod.fit(cov_type="robust"), _reference_cov(p, h, "robust"), h)


def test_separate_error_weights_scores():
    """SAC with an error matrix other than W: the same check with ``w_error``."""
    df, w = _panel()
    we = _ring_w(N, 1)
    mod = SpatialPanel(
        df, y="y", x=["x1", "x2"], id="id", time="time", w=w, w_error=we, model="sac", effects="individual"
    )
    base = mod.fit()
    f = _loglik_obs(df, w, "sac", "individual", w_e=we)
    h = num_hessian(f, _theta(base))
    p, _ = _md_reference(df, w, "sac", "individual", base, w_e=we)
    _check(mod.fit(cov_type="robust"), _reference_cov(p, h, "robust"), h)


@pytest.mark.parametrize("model", ["sem", "sac"])
def test_separate_error_weights_estimates_maximise_the_dense_likelihood(model):
    """SEM and SAC with ``w_error`` other than W: the estimates are the maximum of the dense Gaussian
    likelihood with that error matrix (its numerical gradient, measured as a Newton step in units of
    the inverse-Hessian standard errors, below 1e-6), and lambda is searched in the error
    matrix's admissible interval."""
    df, w = _panel()
    we = _ring_w(N, 1)
    mod = SpatialPanel(
        df, y="y", x=["x1", "x2"], id="id", time="time", w=w, w_error=we, model=model, effects="individual"
    )
    res = mod.fit()
    f = _loglik_obs(df, w, model, "individual", w_e=we)
    theta = _theta(res)
    g = _num_scores(f, theta).sum(axis=0)
    h = num_hessian(f, theta)
    step = np.linalg.solve(-h, g)
    a = np.sqrt(np.diag(np.linalg.inv(-h)))
    assert np.max(np.abs(step / a)) < 1e-6
    assert res.loglik == pytest.approx(f(theta).sum(), rel=1e-12)
    ev = np.linalg.eigvalsh(_ring_w(N, 1) / 2)  # the standardised ring: eigenvalues cos(2 pi k / N)
    lo_e, hi_e = (mod._lo_e, mod._hi_e) if model == "sac" else (mod._lo, mod._hi)
    assert lo_e == pytest.approx(1 / ev.min(), rel=1e-8) and hi_e == pytest.approx(1.0, rel=1e-8)


@pytest.mark.parametrize("offset", [-7e-7, 6e-6, -5e-5])
def test_error_score_polishes_a_search_that_stopped_short(monkeypatch, offset):
    """The SEM's line search ends with a root of the score of its own (error) matrix: a bounded
    search stopped up to 1e-4 short of the maximum (forced here) ends at the same lambda to 1e-12."""
    import aicoord.panel.likelihood as likelihood

    df, w = _panel()
    kw = dict(
        y="y", x=["x1", "x2"], id="id", time="time", w=w, w_error=_ring_w(N, 1), model="sem", effects="individual"
    )
    exact = SpatialPanel(df, **kw).fit().lam
    real = likelihood.minimize_bounded
    monkeypatch.setattr(likelihood, "minimize_bounded", lambda f, a, b, **o: (exact + offset, f(exact + offset)))
    assert abs(SpatialPanel(df, **kw).fit().lam - exact) < 1e-12
    monkeypatch.setattr(likelihood, "minimize_bounded", real)


def test_bad_options():
    df, w = _panel()
    mod = SpatialPanel(df, y="y", x=["x1"], id="id", time="time", w=w, model="sar")
    with pytest.raises(InputError, match="unknown cov_type"):
        mod.fit(cov_type="hc3")
    with pytest.raises(InputError, match="not in the data"):
        mod.fit(cov_type="cluster", cluster="nope")
    with pytest.raises(InputError, match="cov_type is not 'cluster'"):
        mod.fit(cluster="region")
    with pytest.raises(InputError, match="lag must be"):
        mod.fit(cov_type="driscoll-kraay", dk_lag=T)
    with pytest.raises(InputError, match="^a Driscoll-Kraay lag is given but cov_type is not") as exc:
        mod.fit(cov_type="robust", dk_lag=1)
    assert exc.value.hint == "set cov_type='driscoll-kraay' or drop the lag"
    with pytest.raises(InputError, match="not available for random effects"):
        mod.respecify(model="sem", effects="random").fit(cov_type="robust")
    with pytest.raises(InputError, match="must be constant within each unit"):
        mod.respecify(effects="individual").fit(cov_type="cluster", cluster="time", bootstrap=99)


def test_option_spellings_messages_and_notes():
    df, w = _panel()
    df.loc[3, "region"] = np.nan
    mod = SpatialPanel(df, y="y", x=["x1"], id="id", time="time", w=w, model="sar")
    oim = mod.fit()
    # spellings users type: underscores and the short names
    for spelling in ("driscoll_kraay", "DK", "Driscoll-Kraay", "dkraay"):
        assert mod.fit(cov_type=spelling).cov_info["cov_type"] == "driscoll-kraay"
    assert mod.fit(cov_type="Sandwich").cov_info["cov_type"] == "robust"
    assert mod.fit(cov_type="clustered", bootstrap=99).cov_info["cov_type"] == "cluster"
    with pytest.raises(InputError, match="^a cluster column is given but cov_type is not 'cluster'") as exc:
        mod.fit(cluster="region")
    assert exc.value.hint == "set cov_type='cluster' or drop the cluster column"
    with pytest.raises(InputError, match="^column 'nope': cluster column 'nope' is not in the data") as exc:
        mod.fit(cov_type="cluster", cluster="nope")
    assert exc.value.hint == "name a column of the panel (e.g. a province or region code)"
    with pytest.raises(InputError) as exc:
        mod.respecify(model="sem", effects="random").fit(cov_type="robust")
    assert str(exc.value).startswith("cov_type 'robust' is not available for random effects")
    with pytest.raises(InputError) as exc:
        SpatialPanel(df.iloc[1:], y="y", x=["x1"], id="id", time="time", w=w, model="sar", effects="individual").fit(
            cov_type="robust"
        )
    assert str(exc.value).startswith("cov_type 'robust' is not available for an unbalanced panel")
    assert exc.value.hint == "use cov_type='oim' (the information matrix of the exact likelihood)"
    assert mod.fit(cov_type="OIM").std_errors.equals(oim.std_errors)
    with pytest.raises(InputError) as exc:
        mod.fit(cov_type="hc3")
    assert exc.value.hint == "choose one of oim, opg, robust, cluster, driscoll-kraay"
    with pytest.raises(InputError, match="has missing values") as exc:
        mod.fit(cov_type="cluster", cluster="region", bootstrap=99)
    assert exc.value.column == "region"
    for lag in (True, 1.5, -1):
        with pytest.raises(InputError, match=r"whole number from 0 to T-1 = 4"):
            mod.fit(cov_type="driscoll-kraay", dk_lag=lag)
    # the phrase every table note takes over
    from aicoord.panel.inference import describe

    assert describe("oim") == "standard errors from the information matrix"
    assert describe("opg") == "standard errors from the outer product of the scores (OPG)"
    assert describe("robust") == "heteroskedasticity-robust (sandwich) standard errors"
    assert describe("cluster", "region", n_clusters=3) == "cluster-robust standard errors by region (3 clusters)"
    assert describe("cluster", n_clusters=9) == "cluster-robust standard errors by unit (9 clusters)"
    assert describe("driscoll-kraay", dk_lag=2) == "Driscoll-Kraay standard errors (Bartlett kernel, lag 2)"


@pytest.mark.parametrize("t,lag", [(5, 2), (13, 2), (27, 2), (28, 3), (99, 3), (100, 4), (500, 5)])
def test_driscoll_kraay_default_lag_is_newey_west_rule(t, lag):
    """floor(4 (T/100)^(2/9)) (Newey and West 1994; Stata xtscc's default): the values either side of each
    step."""
    from aicoord.panel.inference import dk_default_lag

    assert dk_default_lag(t) == lag


def test_sandwich_direct_calls():
    """``sandwich`` on its own: an unknown type names the choices, and periods given as whole floats
    (as a float column would give them) count as the integers they are."""
    from aicoord.panel.inference import sandwich

    rng = np.random.default_rng(5)
    scores = rng.normal(size=(40, 3))
    hess = -(scores.T @ scores) - 5 * np.eye(3)
    with pytest.raises(InputError, match="^unknown cov_type 'hc1'") as exc:
        sandwich(scores, hess, "hc1")
    assert exc.value.hint == "choose one of oim, opg, robust, cluster, driscoll-kraay"
    periods = np.repeat(np.arange(8), 5)
    a, info = sandwich(scores, hess, "driscoll-kraay", periods=periods, lag=2)
    b, _ = sandwich(scores, hess, "driscoll-kraay", periods=periods.astype(float), lag=2)
    np.testing.assert_allclose(b, a, rtol=1e-14)
    assert info["dk_lag"] == 2
    # by hand: the Bartlett-weighted autocovariances of the period sums of the scores
    st = np.add.reduceat(scores, np.arange(0, 40, 5))
    omega = st.T @ st
    for lg in (1, 2):
        gam = st[lg:].T @ st[:-lg]
        omega += (1 - lg / 3) * (gam + gam.T)
    h = np.linalg.inv(-hess)
    np.testing.assert_allclose(a, h @ omega @ h, rtol=1e-12)


def _gaussian_fisher(mu, sigma, theta, h=1e-6):
    """Fisher information of ``y ~ N(mu(theta), Sigma(theta))``: ``dmu' S^-1 dmu + tr(S^-1 dS S^-1 dS) / 2``,
    derivatives by central differences (Magnus and Neudecker 1999, ch. 17 -- independent of any trace
    formula of the engine)."""
    k = len(theta)
    si = np.linalg.inv(sigma(theta))
    dmu, dsig = [], []
    for j in range(k):
        st = h * max(1.0, abs(theta[j]))
        up, down = theta.copy(), theta.copy()
        up[j] += st
        down[j] -= st
        dmu.append((mu(up) - mu(down)) / (2 * st))
        dsig.append((sigma(up) - sigma(down)) / (2 * st))
    info = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            info[i, j] = dmu[i] @ si @ dmu[j] + 0.5 * np.trace(si @ dsig[i] @ si @ dsig[j])
    return info


@pytest.mark.parametrize("same", [True, False])
def test_sac_expected_information_equals_the_gaussian_fisher_information(same):
    """The SAC's default covariance is the inverse expected information (Anselin 1988, as
    spatialreg::sacsarlm) at the estimates: here against the Fisher information of the pooled model's
    Gaussian distribution ``y_t ~ N(A^-1 X_t b, s2 A^-1 B^-1 B^-T A^-T)``, ``A = I - rho W``,
    ``B = I - lambda W_e``, derivatives numerical; with ``W_e = W`` and with another error matrix."""
    df, w = _panel()
    we = w if same else _ring_w(N, 1)
    res = SpatialPanel(
        df, y="y", x=["x1", "x2"], id="id", time="time", w=w, w_error=we, model="sac", effects="none"
    ).fit()
    mod = res.model
    ws, wes = w / w.sum(1, keepdims=True), we / we.sum(1, keepdims=True)
    z = mod.Zraw  # (T, N, k): the constant and the regressors
    k = z.shape[2]
    eye = np.eye(N)

    def mu(th):
        a = np.linalg.inv(eye - th[k] * ws)
        return np.concatenate([a @ z[t] @ th[:k] for t in range(T)])

    def sigma(th):
        a = np.linalg.inv(eye - th[k] * ws)
        bi = np.linalg.inv(eye - th[k + 1] * wes)
        block = th[k + 2] * a @ bi @ bi.T @ a.T
        return np.kron(np.eye(T), block)

    theta = np.r_[res.params.to_numpy(), res.sigma2]
    ref = np.linalg.inv(_gaussian_fisher(mu, sigma, theta))
    a = np.sqrt(np.diag(ref))
    scale = np.outer(a, a)[: k + 2, : k + 2]
    np.testing.assert_allclose(res.cov.to_numpy() / scale, ref[: k + 2, : k + 2] / scale, rtol=1e-6, atol=1e-6)
    assert res.sigma2_se == pytest.approx(a[-1], rel=1e-6)


def test_robust_covariance_with_a_binary_regressor():
    """A pooled SAR with a dummy regressor (exact zeros in the design): the robust covariance still
    equals the numerical-derivative reference (no 0/0 in the error-model parts it does not use)."""
    df, w = _panel()
    df = df.assign(x2=(df["region"] == 0).astype(float))
    mod = SpatialPanel(df, y="y", x=["x1", "x2"], id="id", time="time", w=w, model="sar", effects="none")
    base = mod.fit()
    f = _loglik_obs(df, w, "sar", "none")
    h = num_hessian(f, _theta(base))
    res = mod.fit(cov_type="robust")
    assert np.all(np.isfinite(res.cov.to_numpy()))
    _check(res, _reference_cov(_md_reference(df, w, "sar", "none", base)[0], h, "robust"), h)


def test_few_clusters_warn_refuse_and_bootstrap():
    """Fewer than 10 clusters are refused with a message naming the wild cluster bootstrap; 10 to 29 give a
    warning naming the count; the bootstrap (seeded) is reproducible, leaves the covariance alone and
    replaces the p-values and the 95% intervals by bootstrap-t ones.  Its critical values obey the bound
    ``|t*| <= sqrt(G - 1)`` of the self-normalised sum (module notes), checked here with 3 clusters."""
    df, w = _panel()
    mod = SpatialPanel(df, y="y", x=["x1", "x2"], id="id", time="time", w=w, model="sar", effects="twoways")
    with pytest.raises(
        InputError,
        match=r"^column 'region': only 3 clusters by region: cluster-robust standard "
        r"errors need at least 10 clusters",
    ) as exc:
        mod.fit(cov_type="cluster", cluster="region")
    assert "wild cluster bootstrap" in exc.value.hint
    with pytest.raises(InputError, match="^only 9 clusters by id"):
        mod.fit(cov_type="cluster")
    with pytest.raises(InputError, match="cov_type is not 'cluster'"):
        mod.fit(cov_type="robust", bootstrap=99)
    with pytest.raises(InputError, match="at least 99"):
        mod.fit(cov_type="cluster", bootstrap=10)
    with pytest.raises(InputError, match="unknown bootstrap weights 'mammen'"):
        mod.fit(cov_type="cluster", bootstrap={"draws": 99, "weights": "mammen"})
    df12 = pd.concat([df, df.assign(id=df["id"] + 100, y=df["y"][::-1].to_numpy())])
    w12 = np.kron(np.eye(2), w)
    big = SpatialPanel(df12, y="y", x=["x1", "x2"], id="id", time="time", w=w12, model="sar", effects="twoways")
    with pytest.warns(
        RuntimeWarning,
        match="only 18 clusters by id: cluster-robust standard errors are unreliable with fewer than 30 clusters",
    ):
        big.fit(cov_type="cluster")
    plain = mod.respecify().fit(cov_type="cluster", cluster="region", bootstrap={"draws": 999, "seed": 7})
    again = mod.respecify().fit(cov_type="cluster", cluster="region", bootstrap={"draws": 999, "seed": 7})
    assert plain.pvalues.equals(again.pvalues)
    # the p-values are the bootstrap's, not the normal ones of the clustered z (the fit's rescaling of the design
    # once overwrote them): mean(|t*| >= |t|) is a multiple of 1/999
    from scipy import special

    normal = 2 * special.ndtr(-np.abs(plain.zvalues.to_numpy()))
    assert not np.allclose(plain.pvalues.to_numpy(), normal)
    np.testing.assert_allclose(plain.pvalues.to_numpy() * 999, np.round(plain.pvalues.to_numpy() * 999), atol=1e-9)
    assert plain.cov_info["bootstrap"] == {"draws": 999, "seed": 7, "weights": "webb"}
    ci = plain.conf_int()
    assert np.all(plain.boot_crit <= np.sqrt(2) + 1e-12)
    np.testing.assert_allclose(ci["upper"] - plain.params, plain.boot_crit * plain.std_errors, rtol=1e-12)
    rad = mod.respecify().fit(cov_type="cluster", cluster="region", bootstrap={"draws": 999, "weights": "rademacher"})
    np.testing.assert_allclose(rad.cov.to_numpy(), plain.cov.to_numpy(), rtol=1e-12)
