"""Property-based tests (hypothesis) of every reader and of the commands: for arbitrary tables -- random shapes,
encodings, cell strings, extreme floats, duplicate and missing ids -- the outcome is either a valid result or
an InputError (exit status 2) that names the file; never another exception, and never exit status 0 with
non-finite numbers in the output. Example counts are modest (the machine is shared); raise them locally with
``--hypothesis-seed`` and a larger ``max_examples`` when changing a reader."""

import contextlib
import io
import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aicoord.cli import main
from aicoord.contract import read_long_panel, read_panel, read_province_table
from aicoord.errors import InputError
from aicoord.provinces import province_table
from aicoord.weights_io import read_weights
from bad_inputs import knn_weights

pytestmark = pytest.mark.filterwarnings("ignore")

SETTINGS = dict(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], derandomize=True
)
_counter = itertools.count()

TABLE = province_table()
PROVINCE_SPELLINGS = (
    list(TABLE["name_short"])
    + list(TABLE["name_full"][:5])
    + list(TABLE["name_en"][:5])
    + list(TABLE["code"][:5])
    + ["广州", "工苏", "Hong Kong", "台湾省", "臺灣", "廣東", "", " ", "NA", "Jaingsu", "45", "450000.0", "—"]
)

#: Cell strings a user's file may hold: numbers of every size, missing markers, separators, units, junk.
NUMBER_TEXT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda v: f"{v:.6g}"),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "—",
            "NA",
            "n/a",
            "null",
            "1,5",
            "12,5",
            " 3 ",
            "1e400",
            "-1e400",
            "5e-324",
            "abc",
            "0x10",
            "１２",
            "nan",
            "-inf",
            "1 000",
            "3%",
            "1e308",
            "-1e308",
            "0",
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=4),
)


def _tmp(tmp_path_factory):
    d = tmp_path_factory.getbasetemp() / f"prop{next(_counter)}"
    d.mkdir()
    return d


def _write(path, frame, encoding):
    text = frame.to_csv(index=False, lineterminator="\n")
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    path.write_bytes(data)
    return path


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])


def _located(exc, path):
    assert isinstance(exc, InputError)
    assert exc.file is not None and str(path) in str(exc), str(exc)
    assert "\n" not in str(exc)


# ----------------------------------------------------------------------------- readers


@settings(max_examples=60, **SETTINGS)
@given(
    ids=st.lists(st.sampled_from(PROVINCE_SPELLINGS), max_size=35),
    cells=st.lists(NUMBER_TEXT, min_size=35, max_size=35),
    enc=ENCODINGS,
    required=st.booleans(),
    extra_col=st.booleans(),
)
def test_read_province_table(tmp_path_factory, ids, cells, enc, required, extra_col):
    frame = pd.DataFrame({"province": ids, "v": cells[: len(ids)]})
    if extra_col:
        frame["junk"] = "x,y"
    path = _write(_tmp(tmp_path_factory) / "t.csv", frame, enc)
    try:
        out = read_province_table(path, "province", ["v"], required_all=required)
    except InputError as exc:
        _located(exc, path)
        return
    assert out.index.is_unique and set(out.index) <= set(TABLE["code"])
    assert np.isfinite(out["v"].to_numpy()).all() and len(out) == len(ids)
    if required:
        assert len(out) == 31


YEARS = st.one_of(st.integers(2018, 2021).map(str), st.sampled_from(["2019.0", "x", "", "2020.5", "1e3"]))


@settings(max_examples=50, **SETTINGS)
@given(
    n_prov=st.integers(1, 4),
    years=st.lists(st.integers(2018, 2021), min_size=1, max_size=4, unique=True),
    mutate=st.lists(
        st.tuples(
            st.integers(0, 200),
            st.sampled_from(["province", "year", "ai", "gap", "gdp"]),
            st.one_of(NUMBER_TEXT, YEARS, st.sampled_from(PROVINCE_SPELLINGS)),
        ),
        max_size=4,
    ),
    dup=st.booleans(),
    enc=ENCODINGS,
)
def test_read_panel(tmp_path_factory, n_prov, years, mutate, dup, enc):
    rows = [
        {
            "province": p,
            "year": str(y),
            "ai": f"{10 + i + y % 7:.3f}",
            "gap": f"{0.1 * (i + 1):.3f}",
            "gdp": f"{1000 + 10 * i + y:.1f}",
        }
        for i, p in enumerate(TABLE["name_short"][:n_prov])
        for y in years
    ]
    frame = pd.DataFrame(rows)
    if dup:
        frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    for r, c, v in mutate:
        frame.loc[r % len(frame), c] = v
    path = _write(_tmp(tmp_path_factory) / "p.csv", frame, enc)
    try:
        out = read_panel(path, {"ai": "ai", "outcome": ["gap"], "gdp_pc": "gdp", "province": "province"})
    except InputError as exc:
        _located(exc, path)
        return
    assert not out.duplicated(["code", "year"]).any()
    assert np.isfinite(out[["ai", "gap", "gdp_pc"]].to_numpy()).all() and (out["gdp_pc"] > 0).all()


@settings(max_examples=50, **SETTINGS)
@given(
    ids=st.lists(st.one_of(st.sampled_from(PROVINCE_SPELLINGS), st.text(max_size=3)), min_size=1, max_size=8),
    periods=st.lists(YEARS, min_size=8, max_size=8),
    cells=st.lists(NUMBER_TEXT, min_size=8, max_size=8),
    enc=ENCODINGS,
)
def test_read_long_panel(tmp_path_factory, ids, periods, cells, enc):
    n = len(ids)
    frame = pd.DataFrame({"id": ids, "t": periods[:n], "y": cells[:n]})
    path = _write(_tmp(tmp_path_factory) / "l.csv", frame, enc)
    try:
        out = read_long_panel(path, "id", "t", ["y"])
    except InputError as exc:
        _located(exc, path)
        return
    assert np.isfinite(out["y"].to_numpy()).all() and not out.duplicated(["id", "t"]).any()


@settings(max_examples=50, **SETTINGS)
@given(
    ids=st.lists(st.one_of(st.sampled_from(PROVINCE_SPELLINGS[:40]), st.text(max_size=3)), min_size=1, max_size=5),
    cells=st.lists(NUMBER_TEXT, min_size=25, max_size=25),
    zero_diag=st.booleans(),
    long=st.booleans(),
    shuffle_header=st.booleans(),
    enc=ENCODINGS,
)
def test_read_weights(tmp_path_factory, ids, cells, zero_diag, long, shuffle_header, enc):
    n = len(ids)
    mat = [[("0" if zero_diag and i == j else cells[(i * 5 + j) % 25]) for j in range(n)] for i in range(n)]
    if long:
        frame = pd.DataFrame(
            [{"from": ids[i], "to": ids[j], "weight": mat[i][j]} for i in range(n) for j in range(n) if i != j]
        )
        if frame.empty:
            frame = pd.DataFrame({"from": ids[:1], "to": ids[:1], "weight": ["1"]})
    else:
        header = list(reversed(ids)) if shuffle_header else ids
        frame = pd.DataFrame(mat, columns=header)
        frame.insert(0, "id", ids)
    path = _write(_tmp(tmp_path_factory) / "w.csv", frame, enc)
    try:
        w = read_weights(path)
    except InputError as exc:
        _located(exc, path)
        return
    dense, _ = w.full()
    assert np.isfinite(dense).all() and (np.diag(dense) == 0).all()


# ----------------------------------------------------------------------------- commands


def _run(argv):
    """``main(argv)`` with its standard error captured: (exit status, stderr text)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = main(argv)
    return rc, err.getvalue()


def _finite_json(obj, skip=()):
    if isinstance(obj, dict):
        return all(_finite_json(v, skip) for k, v in obj.items() if k not in skip)
    if isinstance(obj, list):
        return all(_finite_json(v, skip) for v in obj)
    if isinstance(obj, float):
        return math.isfinite(obj)
    return obj is not None


def _province_table(values, ids_edit):
    names = list(TABLE["name_short"])
    for i, new in ids_edit:
        names[i % 31] = new
    return pd.DataFrame({"province": names, "ai_index": values})


VALUES31 = st.lists(st.one_of(st.floats(-1e308, 1e308, allow_nan=False), NUMBER_TEXT), min_size=31, max_size=31)
ID_EDITS = st.lists(st.tuples(st.integers(0, 30), st.sampled_from(PROVINCE_SPELLINGS)), max_size=2)


@settings(max_examples=25, **SETTINGS)
@given(values=VALUES31, ids_edit=ID_EDITS, cmd=st.sampled_from(["moran", "lisa"]))
def test_moran_and_lisa_commands(tmp_path_factory, values, ids_edit, cmd):
    d = _tmp(tmp_path_factory)
    data = _write(d / "d.csv", _province_table(values, ids_edit), "utf-8")
    out = d / "out"
    rc, err = _run(
        [
            cmd,
            "--data",
            str(data),
            "--id",
            "province",
            "--var",
            "ai_index",
            "--weights",
            "knn:4",
            "--permutations",
            "19",
            "--out",
            str(out),
        ]
    )
    assert rc in (0, 2), err
    if rc == 2:
        assert len(err.strip().splitlines()) == 1 and str(data) in err and not out.exists()
        return
    if cmd == "moran":
        res = json.loads(out.read_text(encoding="utf-8"))
        g_applies = res["G"] is not None
        assert _finite_json(res, skip=() if g_applies else ("G", "EG", "VG", "z_G", "p_G", "p_G_sim"))
    else:
        res = pd.read_csv(out)
        assert np.isfinite(res[["Ii", "z_value", "lag_z", "p_sim"]].to_numpy()).all()
        assert set(res["quadrant"]) <= {"HH", "LL", "LH", "HL"}


@settings(max_examples=25, **SETTINGS)
@given(values=VALUES31, ids_edit=ID_EDITS, drop=st.integers(0, 40), allow=st.booleans())
def test_inequality_command(tmp_path_factory, values, ids_edit, drop, allow):
    d = _tmp(tmp_path_factory)
    frame = _province_table(values, ids_edit)
    if drop < 31:
        frame = frame.drop(index=drop)
    data = _write(d / "d.csv", frame, "utf-8")
    out = d / "i.json"
    rc, err = _run(
        ["inequality", "--data", str(data), "--id", "province", "--var", "ai_index", "--out", str(out)]
        + (["--allow-missing"] if allow else [])
    )
    assert rc in (0, 2), err
    if rc == 2:
        assert len(err.strip().splitlines()) == 1 and str(data) in err and not out.exists()
        return
    assert _finite_json(json.loads(out.read_text(encoding="utf-8")), skip=("weight",))


@settings(max_examples=12, **SETTINGS)
@given(
    y=st.lists(st.one_of(st.floats(-1e6, 1e6, allow_nan=False), NUMBER_TEXT), min_size=4, max_size=4),
    scale=st.sampled_from([1.0, 1e-200, 1e150, 1e300]),
    fe=st.sampled_from(["none", "individual", "twoways"]),
    model=st.sampled_from(["sar", "sem", "sdm"]),
    drop=st.integers(0, 300),
)
def test_fit_panel_command(tmp_path_factory, y, scale, fe, model, drop):
    d = _tmp(tmp_path_factory)
    rng = np.random.default_rng(5)
    names = list(TABLE["name_short"])
    rows = [
        {"province": p, "year": t, "x": rng.normal(), "y": rng.normal() * scale}
        for p in names
        for t in (2020, 2021, 2022)
    ]
    frame = pd.DataFrame(rows).astype({"y": object})
    for i, v in enumerate(y):  # a few cells replaced by arbitrary cell strings
        frame.loc[(i * 37) % len(frame), "y"] = v
    if drop < len(frame):
        frame = frame.drop(index=drop)
    data = _write(d / "p.csv", frame, "utf-8")
    out = d / "f.json"
    rc, err = _run(
        [
            "fit-panel",
            "--data",
            str(data),
            "--id",
            "province",
            "--time",
            "year",
            "--y",
            "y",
            "--x",
            "x",
            "--weights",
            str(knn_weights(tmp_path_factory.getbasetemp(), "knn_prop.csv")),
            "--model",
            model,
            "--fe",
            fe,
            "--draws",
            "20",
            "--out",
            str(out),
        ]
    )
    assert rc in (0, 2, 3), err
    if rc:
        assert len(err.strip().splitlines()) == 1 and not out.exists(), err
        return
    res = json.loads(out.read_text(encoding="utf-8"))
    assert _finite_json(res["coefficients"]) and _finite_json(res["effects"]) and math.isfinite(res["loglik"])


def test_encodings_of_the_same_table_read_alike(tmp_path):
    """GBK/GB18030 and UTF-8 with or without BOM give the same table (a plain example next to the properties)."""
    frame = pd.DataFrame({"province": list(TABLE["name_full"]), "v": np.arange(31.0)})
    got = [
        read_province_table(_write(tmp_path / f"{e}.csv", frame, e), "province", ["v"])
        for e in ("utf-8", "utf-8-sig", "gb18030")
    ]
    for g in got[1:]:
        pd.testing.assert_frame_equal(g, got[0])


# ---------------------------------------------------------------------------------------------------------------
# Invariance of the estimates to the units of a regressor (issue 24): multiplying a column by c multiplies its
# coefficients (and their W* lags') and standard errors by 1/c and changes nothing else, for every model, across
# 1e-12 to 1e12.  Before the design was scaled inside the fits, x 1e12 moved rho and the log-likelihood and
# x 1e-10 was refused as "time-invariant".


def _scale_panel(seed=3, n=16, t=5):
    """A small simulated SAC-with-W*x panel on a 4 x 4 rook grid (simulated data), with unit effects."""
    rng = np.random.default_rng(seed)
    side = int(np.sqrt(n))
    w = np.zeros((n, n))
    for i in range(n):
        r, c = divmod(i, side)
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            if 0 <= r + dr < side and 0 <= c + dc < side:
                w[i, (r + dr) * side + c + dc] = 1.0
    ws = w / w.sum(axis=1, keepdims=True)
    a = np.linalg.inv(np.eye(n) - 0.4 * ws)
    b = np.linalg.inv(np.eye(n) - 0.3 * ws)
    mu = rng.normal(size=n)
    rows = []
    for year in range(2001, 2001 + t):
        x1, x2 = rng.normal(size=n) * 3.0 + 10.0, rng.normal(size=n)
        y = a @ (1.0 * x1 - 0.5 * x2 + 0.4 * ws @ x1 + mu + b @ rng.normal(size=n))
        rows += [{"id": i, "year": year, "y": y[i], "x1": x1[i], "x2": x2[i]} for i in range(n)]
    return pd.DataFrame(rows), w


SCALE_CASES = [  # (model, effects, extra) covering every estimator of the panel package
    ("sar", "twoways", {}),
    ("sdm", "individual", {}),
    ("sem", "twoways", {}),
    ("sac", "individual", {}),
    ("slx", "time", {}),
    ("sdem", "twoways", {}),
    ("sdm", "none", {}),
    ("sar", "random", {}),
    ("sdm", "random", {}),
    ("sem", "random", {}),
    ("sdm", "twoways", {"unbalanced": True}),
    ("sdm", "twoways", {"cov_type": "cluster"}),
    ("sdm", "individual", {"dynamic": True}),
]


def _scale_fit(data, w, model, effects, extra):
    from aicoord.panel import SpatialPanel
    from aicoord.panel.dynamic import DynamicSpatialPanel

    if extra.get("dynamic"):
        return DynamicSpatialPanel(
            data, y="y", x=["x1", "x2"], id="id", time="year", w=w, model=model, effects=effects, dlag=1
        ).fit()
    if extra.get("unbalanced"):
        data = data.drop(index=[3, 40])
    mod = SpatialPanel(data, y="y", x=["x1", "x2"], id="id", time="year", w=w, model=model, effects=effects)
    return mod.fit(cov_type=extra.get("cov_type", "oim"))


@pytest.fixture(scope="module")
def scale_base():
    data, w = _scale_panel()
    return data, w, {i: _scale_fit(data, w, *case) for i, case in enumerate(SCALE_CASES)}


@pytest.mark.parametrize(
    "case", range(len(SCALE_CASES)), ids=lambda i: "-".join([*SCALE_CASES[i][:2], *SCALE_CASES[i][2]])
)
@settings(max_examples=2, **SETTINGS)
@example(expo=12.0, col="x1")
@example(expo=-12.0, col="x2")
@given(expo=st.floats(-12, 12), col=st.sampled_from(["x1", "x2"]))
def test_estimates_invariant_to_a_regressors_units(scale_base, case, expo, col):
    data, w, base = scale_base
    c = 10.0**expo
    res = _scale_fit(data.assign(**{col: data[col] * c}), w, *SCALE_CASES[case])
    ref = base[case]
    factor = np.array([c if nm in (col, f"W*{col}") else 1.0 for nm in ref.params.index])
    np.testing.assert_allclose(res.params.to_numpy() * factor, ref.params.to_numpy(), rtol=1e-6, atol=1e-9)
    # random effects: SEs from a numerical Hessian (steps 1e-4 relative) at a Nelder-Mead optimum that stops on
    # a function tolerance of 1e-14 |f|, so data equal up to rounding move them by up to ~2e-5
    se_rtol = 1e-4 if SCALE_CASES[case][1] == "random" else 1e-6
    np.testing.assert_allclose(res.std_errors.to_numpy() * factor, ref.std_errors.to_numpy(), rtol=se_rtol)
    assert res.loglik == pytest.approx(ref.loglik, rel=1e-9, abs=1e-7)
    if SCALE_CASES[case][0] in ("sdm", "sar") and not SCALE_CASES[case][2].get("dynamic"):
        got, want = res.impacts(draws=50, seed=1), ref.impacts(draws=50, seed=1)
        f = np.array([c if v == col else 1.0 for v, _ in want.index])
        np.testing.assert_allclose(got["estimate"].to_numpy() * f, want["estimate"].to_numpy(), rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(got["se"].to_numpy() * f, want["se"].to_numpy(), rtol=1e-4)


@settings(max_examples=3, **SETTINGS)
@example(expo=12.0)
@example(expo=-12.0)
@given(expo=st.floats(-12, 12))
def test_lm_tests_invariant_to_a_regressors_units(scale_base, expo):
    """The LM tests of fit-panel's JSON (least squares on the demeaned design) do not depend on the units."""
    from aicoord.panel import lm_tests

    data, w, _ = scale_base
    kw = dict(y="y", x=["x1", "x2"], id="id", time="year", w=w, effects="twoways")
    ref = lm_tests(data, **kw)
    got = lm_tests(data.assign(x1=data["x1"] * 10.0**expo), **kw)
    for k, v in ref.items():
        assert got[k].statistic == pytest.approx(v.statistic, rel=1e-8), k
