"""Tests of aicoord.inequality against hand computations, brute-force double loops written
straight from the published formulas, and the ``inequality`` package (PySAL)."""

import math

import numpy as np
import pytest
from inequality.gini import Gini
from inequality.theil import Theil, TheilD
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.inequality import dagum_gini, sigma_convergence, theil
from aicoord.provinces import normalize_province, province_table

# The seed paper's 2023 provincial AI index (province short name -> index), from the brief.
AI_2023 = {
    "北京": 96.58,
    "广东": 94.74,
    "上海": 87.27,
    "浙江": 85.58,
    "江苏": 84.60,
    "山东": 73.99,
    "安徽": 70.59,
    "湖北": 69.08,
    "四川": 67.25,
    "福建": 66.28,
    "湖南": 64.96,
    "天津": 64.41,
    "辽宁": 64.39,
    "陕西": 61.99,
    "河南": 59.92,
    "重庆": 58.75,
    "河北": 56.71,
    "黑龙江": 51.48,
    "江西": 50.78,
    "吉林": 49.59,
    "云南": 45.99,
    "贵州": 45.93,
    "广西": 43.90,
    "山西": 40.97,
    "甘肃": 40.47,
    "新疆": 39.93,
    "海南": 34.84,
    "内蒙古": 34.58,
    "宁夏": 26.45,
    "青海": 21.99,
    "西藏": 18.70,
}


def ai_2023():
    table = province_table().set_index("code")
    codes = [normalize_province(k) for k in AI_2023]
    return np.array(list(AI_2023.values())), np.array(table.loc[codes, "region4"])


# ---------------------------------------------------------------- brute-force references


def brute_dagum(y, g):
    """Dagum (1997) eqs. straight from the paper with explicit double loops over pairs."""
    y = list(map(float, y))
    g = list(g)
    n = len(y)
    mu = sum(y) / n
    labels = sorted(set(g), key=lambda lab: np.mean([v for v, h in zip(y, g) if h == lab]))
    grp = {lab: [v for v, h in zip(y, g) if h == lab] for lab in labels}
    tot = 0.0
    for a in y:
        for b in y:
            tot += abs(a - b)
    G = tot / (2 * n * n * mu)
    p = {lab: len(grp[lab]) / n for lab in labels}
    s = {lab: len(grp[lab]) * np.mean(grp[lab]) / (n * mu) for lab in labels}
    gjj = {}
    for lab in labels:
        xs = grp[lab]
        acc = 0.0
        for a in xs:
            for b in xs:
                acc += abs(a - b)
        gjj[lab] = acc / (2 * len(xs) ** 2 * np.mean(xs))
    gw = sum(gjj[lab] * p[lab] * s[lab] for lab in labels)
    gnb = gt = 0.0
    for j in range(1, len(labels)):
        for h in range(j):
            J, H = labels[j], labels[h]
            xj, xh = grp[J], grp[H]
            acc = dpos = pneg = 0.0
            for a in xj:
                for b in xh:
                    acc += abs(a - b)
                    if a > b:
                        dpos += a - b
                    else:
                        pneg += b - a
            gjh = acc / (len(xj) * len(xh) * (np.mean(xj) + np.mean(xh)))
            d, pp = dpos / (len(xj) * len(xh)), pneg / (len(xj) * len(xh))
            D = (d - pp) / (d + pp)
            gnb += gjh * (p[J] * s[H] + p[H] * s[J]) * D
            gt += gjh * (p[J] * s[H] + p[H] * s[J]) * (1 - D)
    return {"total": G, "within": gw, "between_net": gnb, "transvariation": gt, "gjj": gjj}


def brute_theil(y, g, w):
    """Theil T and L from the per-unit definitions with population weights."""
    Y = sum(wi * yi for wi, yi in zip(w, y))
    P = sum(w)
    T = sum((wi * yi / Y) * math.log((wi * yi / Y) / (wi / P)) for wi, yi in zip(w, y))
    L = sum((wi / P) * math.log((wi / P) / (wi * yi / Y)) for wi, yi in zip(w, y))
    bt = bl = 0.0
    for lab in set(g):
        Sg = sum(wi * yi for wi, yi, h in zip(w, y, g) if h == lab) / Y
        Qg = sum(wi for wi, h in zip(w, g) if h == lab) / P
        bt += Sg * math.log(Sg / Qg)
        bl += Qg * math.log(Qg / Sg)
    return T, L, bt, bl


# ---------------------------------------------------------------- sigma convergence


def test_sigma_hand_case():
    # y = 1,2,3,4: mean 2.5, population variance 1.25
    r = sigma_convergence([1, 2, 3, 4])
    assert_allclose(r["cv"], math.sqrt(1.25) / 2.5, rtol=1e-14)
    ly = np.log([1, 2, 3, 4])
    assert_allclose(r["sd_log"], np.std(ly), rtol=1e-14)


def test_sigma_weighted_equals_replication():
    # integer population weights are the same as replicating each unit P_i times
    rng = np.random.default_rng(1)
    y = rng.lognormal(size=9)
    w = rng.integers(1, 6, size=9)
    rep = np.repeat(y, w)
    r = sigma_convergence(y, w)
    assert_allclose(r["cv"], np.std(rep) / np.mean(rep), rtol=1e-12)
    assert_allclose(r["sd_log"], np.std(np.log(rep)), rtol=1e-12)


def test_sigma_rejects_bad_input():
    with pytest.raises(InputError):
        sigma_convergence([1.0, -2.0])
    with pytest.raises(InputError):
        sigma_convergence([1.0, 2.0], weights=[1.0])


# ---------------------------------------------------------------- Theil


def test_theil_hand_case():
    y = [1, 2, 3, 4]
    g = ["A", "A", "B", "B"]
    r = theil(y, g)
    t = 0.1 * math.log(0.4) + 0.2 * math.log(0.8) + 0.3 * math.log(1.2) + 0.4 * math.log(1.6)
    bt = 0.3 * math.log(0.3 / 0.5) + 0.7 * math.log(0.7 / 0.5)
    assert_allclose(r["theil_t"]["total"], t, rtol=1e-14)
    assert_allclose(r["theil_t"]["between"], bt, rtol=1e-13)
    # Theil L = mean log deviation = ln(mean) - mean(ln y)
    assert_allclose(r["theil_l"]["total"], math.log(2.5) - np.mean(np.log(y)), rtol=1e-13)
    bl = 0.5 * math.log(0.5 / 0.3) + 0.5 * math.log(0.5 / 0.7)
    assert_allclose(r["theil_l"]["between"], bl, rtol=1e-13)


def test_theil_matches_pysal_inequality_unweighted():
    y, g = ai_2023()
    r = theil(y, g)
    ref = TheilD(y, g)
    assert_allclose(r["theil_t"]["total"], float(np.squeeze(Theil(y).T)), rtol=1e-12)
    assert_allclose(r["theil_t"]["between"], float(np.squeeze(ref.bg)), rtol=1e-12)
    assert_allclose(r["theil_t"]["within"], float(np.squeeze(ref.wg)), rtol=1e-12)


def test_theil_weighted_matches_brute_force_and_replication():
    rng = np.random.default_rng(7)
    y = rng.lognormal(size=12)
    w = rng.integers(1, 5, size=12)
    g = np.array(list("ABC") * 4)
    r = theil(y, g, w)
    T, L, bt, bl = brute_theil(y, g, w)
    assert_allclose(
        [r["theil_t"]["total"], r["theil_t"]["between"], r["theil_l"]["total"], r["theil_l"]["between"]],
        [T, bt, L, bl],
        rtol=1e-12,
    )
    rep = theil(np.repeat(y, w), np.repeat(g, w))
    for key in ("theil_t", "theil_l"):
        for part in ("total", "between", "within"):
            assert_allclose(r[key][part], rep[key][part], rtol=1e-12)


def test_theil_decomposition_exact_ai_2023():
    y, g = ai_2023()
    r = theil(y, g)
    for key in ("theil_t", "theil_l"):
        res = r[key]
        assert abs(res["within"] + res["between"] - res["total"]) < 1e-15
        assert_allclose(res["groups"]["contribution"].sum(), res["within"], rtol=1e-14)
        assert set(res["groups"].index) == {"East", "Central", "West", "Northeast"}


# ---------------------------------------------------------------- Dagum Gini


def test_dagum_hand_case_separated_groups():
    # A={1,2}, B={3,4}: G=20/80, G_AA=1/6, G_BB=1/14, s=(.3,.7), G_BA=8/20, D_BA=1 (no overlap)
    r = dagum_gini([1, 2, 3, 4], ["A", "A", "B", "B"])
    assert_allclose(r["total"], 0.25, rtol=1e-14)
    assert_allclose(r["within"], 1 / 6 * 0.5 * 0.3 + 1 / 14 * 0.5 * 0.7, rtol=1e-14)
    assert_allclose(r["between_net"], 0.2, rtol=1e-14)
    assert r["transvariation"] == 0.0
    assert_allclose(r["g_between"].loc["B", "A"], 0.4, rtol=1e-14)
    assert_allclose(r["d_between"].loc["B", "A"], 1.0, rtol=1e-14)


def test_dagum_hand_case_overlapping_groups():
    # A={1,3} (mu 2), B={2,4} (mu 3): G_AA=.25, G_BB=1/6, s=(.4,.6), G_BA=6/20,
    # d_BA=5/4, p_BA=1/4 -> D_BA=2/3; weight .3*(.5*.4+.5*.6)=.15 -> Gnb=.1, Gt=.05
    r = dagum_gini([1, 2, 3, 4], ["A", "B", "A", "B"])
    assert_allclose(
        [r["total"], r["within"], r["between_net"], r["transvariation"]], [0.25, 0.1, 0.1, 0.05], rtol=1e-14
    )
    assert_allclose(r["groups"].loc[["A", "B"], "gini"], [0.25, 1 / 6], rtol=1e-14)
    assert_allclose(r["d_between"].loc["A", "B"], 2 / 3, rtol=1e-14)
    assert_allclose([r["within_share"], r["between_net_share"], r["transvariation_share"]], [0.4, 0.4, 0.2], rtol=1e-14)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dagum_matches_brute_force_random(seed):
    rng = np.random.default_rng(seed)
    y = rng.lognormal(size=23)
    g = rng.choice(["a", "b", "c", "d"], size=23)
    r = dagum_gini(y, g)
    b = brute_dagum(y, g)
    for key in ("total", "within", "between_net", "transvariation"):
        assert_allclose(r[key], b[key], rtol=1e-12, atol=1e-15)
    for lab, val in b["gjj"].items():
        assert_allclose(r["groups"].loc[lab, "gini"], val, rtol=1e-12)


def test_dagum_ai_2023_region4():
    y, g = ai_2023()
    r = dagum_gini(y, g)
    b = brute_dagum(y, g)
    # total against PySAL inequality's Gini (rank formula) and the brute-force double loop
    assert_allclose(r["total"], Gini(y).g, rtol=1e-13)
    for key in ("total", "within", "between_net", "transvariation"):
        assert_allclose(r[key], b[key], rtol=1e-12)
    assert abs(r["within"] + r["between_net"] + r["transvariation"] - r["total"]) < 1e-15
    assert abs(r["within_share"] + r["between_net_share"] + r["transvariation_share"] - 1) < 1e-14
    assert list(r["groups"].index) == list(r["groups"].sort_values("mean").index)
    gb = r["g_between"].to_numpy()
    assert_allclose(gb, gb.T, rtol=0, atol=0)
    assert_allclose(np.diag(gb), r["groups"]["gini"].to_numpy(), rtol=0, atol=0)


def test_dagum_single_group_has_no_between():
    y = [3.0, 5.0, 9.0]
    r = dagum_gini(y, ["x"] * 3)
    assert_allclose(r["within"], r["total"], rtol=1e-15)
    assert r["between_net"] == 0.0 and r["transvariation"] == 0.0


def test_ai_2023_against_r_reference():
    """Against fixtures/measures/dagum_reference.csv, made by dagum_reference.R (base R code
    written independently from Dagum 1997 and the Theil definitions)."""
    from pathlib import Path

    import pandas as pd

    ref = pd.read_csv(Path(__file__).parent / "fixtures" / "measures" / "dagum_reference.csv")
    ref = dict(zip(ref["name"], ref["value"]))
    y, g = ai_2023()
    r = dagum_gini(y, g)
    for key in ("total", "within", "between_net", "transvariation"):
        assert_allclose(r[key], ref[key], rtol=1e-13)
    for lab in ("East", "Central", "Northeast", "West"):
        assert_allclose(r["groups"].loc[lab, "gini"], ref[f"gini_{lab}"], rtol=1e-13)
    pairs = [k for k in ref if k.startswith("G_")]
    assert len(pairs) == 6
    for k in pairs:
        _, a, b = k.split("_")
        assert_allclose(r["g_between"].loc[a, b], ref[k], rtol=1e-13)
        assert_allclose(r["d_between"].loc[a, b], ref[f"D_{a}_{b}"], rtol=1e-13)
    t = theil(y, g)
    assert_allclose(
        [t["theil_t"]["total"], t["theil_l"]["total"], t["theil_t"]["between"], t["theil_l"]["between"]],
        [ref["theil_t"], ref["theil_l"], ref["theil_t_between"], ref["theil_l_between"]],
        rtol=1e-13,
    )


def test_inequality_by_year_matches_single_year_calls():
    import pandas as pd

    from aicoord.inequality import inequality_by_year

    rng = np.random.default_rng(5)
    df = pd.DataFrame(
        {
            "year": np.repeat([2021, 2020], 10),
            "y": rng.lognormal(size=20),
            "g": np.tile(list("ab"), 10),
            "p": rng.integers(1, 9, size=20),
        }
    )
    t = inequality_by_year(df, "y", groups="g", weights="p")
    assert list(t["year"]) == [2020, 2021]
    d = df[df.year == 2021]
    assert_allclose(t.loc[1, "cv"], sigma_convergence(d.y, d.p)["cv"], rtol=1e-15)
    assert_allclose(t.loc[1, "theil_l_between"], theil(d.y, d.g, d.p)["theil_l"]["between"], rtol=1e-15)
    assert_allclose(t.loc[1, "gini_transvariation"], dagum_gini(d.y, d.g)["transvariation"], rtol=1e-15)


def test_theil_zero_weight_unit_and_group():
    # a unit with weight 0 is ignored, also when it is alone in its group
    r = theil([1.0, 2.0, 3.0, 4.0, 9.0], list("AABBC"), [1, 1, 1, 1, 0])
    ref = theil([1.0, 2.0, 3.0, 4.0], list("AABB"))
    for key in ("theil_t", "theil_l"):
        for part in ("total", "between", "within"):
            assert_allclose(r[key][part], ref[key][part], rtol=1e-14)


# ---------------------------------------------------------------- mutation-testing additions
# (tests/MUTATION.md lists the mutants each of these kills)


def test_sigma_reports_weighted_mean_and_sd():
    # integer weights = replication: mean and population SD of the replicated sample
    y = np.array([2.0, 5.0, 7.0])
    w = np.array([3, 1, 2])
    rep = np.repeat(y, w)
    r = sigma_convergence(y, w)
    assert set(r) == {"cv", "sd_log", "mean", "sd", "n"}
    assert_allclose(r["mean"], rep.mean(), rtol=1e-15)
    assert_allclose(r["sd"], rep.std(), rtol=1e-14)
    assert r["n"] == 3


def test_dagum_group_table_columns_and_contributions():
    # contributions G_jj p_j s_j from the brute-force double loops; they sum to G_w
    rng = np.random.default_rng(11)
    y = rng.lognormal(size=17)
    g = rng.choice(["a", "b", "c"], size=17)
    r = dagum_gini(y, g)
    b = brute_dagum(y, g)
    t = r["groups"]
    assert list(t.columns) == ["n", "mean", "p", "s", "gini", "contribution"]
    assert t.index.name == "group"
    assert t["n"].dtype.kind == "i"
    for lab in t.index:
        ys = y[g == lab]
        p, s = ys.size / y.size, ys.sum() / y.sum()
        assert t.loc[lab, "n"] == ys.size
        assert_allclose([t.loc[lab, "mean"], t.loc[lab, "p"], t.loc[lab, "s"]], [ys.mean(), p, s], rtol=1e-14)
        assert_allclose(t.loc[lab, "contribution"], b["gjj"][lab] * p * s, rtol=1e-12)
    assert_allclose(t["contribution"].sum(), b["within"], rtol=1e-12)


def test_dagum_equal_values_give_zero_and_undefined_shares():
    # every unit equal: G = 0, all components 0, D_jh = 0 for identical groups (no overlap sign),
    # the shares of a zero total are undefined (NaN), and nothing warns (no 0/0 is evaluated)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = dagum_gini([2.0, 2.0, 2.0, 2.0], ["a", "a", "b", "b"])
    for key in ("total", "within", "between_net", "transvariation", "between_gross"):
        assert r[key] == 0.0, key
    assert r["d_between"].loc["a", "b"] == 0.0 and r["d_between"].loc["b", "a"] == 0.0
    for key in ("within_share", "between_net_share", "transvariation_share"):
        assert isinstance(r[key], float) and math.isnan(r[key]), key


BY_YEAR_COLUMNS = [
    "n",
    "cv",
    "sd_log",
    "theil_t",
    "theil_t_within",
    "theil_t_between",
    "theil_l",
    "theil_l_within",
    "theil_l_between",
    "gini",
    "gini_within",
    "gini_between_net",
    "gini_transvariation",
]


def test_inequality_by_year_every_column_matches_single_year_calls():
    import pandas as pd

    from aicoord.inequality import inequality_by_year

    rng = np.random.default_rng(8)
    df = pd.DataFrame(
        {
            "t": np.repeat([2019, 2020], 12),
            "y": rng.lognormal(size=24),
            "g": np.tile(list("abc"), 8),
            "p": rng.integers(1, 9, size=24),
        }
    )
    out = inequality_by_year(df, "y", year="t", groups="g", weights="p")
    assert list(out.columns) == ["t", *BY_YEAR_COLUMNS]
    for i, yr in enumerate([2019, 2020]):
        d = df[df.t == yr]
        s, th, dg = sigma_convergence(d.y, d.p), theil(d.y, d.g, d.p), dagum_gini(d.y, d.g)
        expect = [
            s["n"],
            s["cv"],
            s["sd_log"],
            th["theil_t"]["total"],
            th["theil_t"]["within"],
            th["theil_t"]["between"],
            th["theil_l"]["total"],
            th["theil_l"]["within"],
            th["theil_l"]["between"],
            dg["total"],
            dg["within"],
            dg["between_net"],
            dg["transvariation"],
        ]
        assert_allclose(out.loc[i, BY_YEAR_COLUMNS].to_numpy(float), expect, rtol=1e-15)


def test_inequality_by_year_without_groups_or_weights():
    import pandas as pd

    from aicoord.inequality import inequality_by_year

    y = [1.0, 2.0, 3.0, 4.0]
    out = inequality_by_year(pd.DataFrame({"year": [2020] * 4, "y": y}), "y")
    # one group, equal weights: hand values of the 1,2,3,4 case (Gini 0.25, CV sqrt(1.25)/2.5)
    assert_allclose(
        out.loc[0, ["gini", "gini_within", "cv"]].to_numpy(float), [0.25, 0.25, math.sqrt(1.25) / 2.5], rtol=1e-14
    )
    assert out.loc[0, "theil_t_between"] == 0.0 and out.loc[0, "gini_between_net"] == 0.0


def test_inequality_by_year_names_every_missing_column():
    import pandas as pd

    from aicoord.inequality import inequality_by_year

    df = pd.DataFrame({"year": [2020, 2020], "y": [1.0, 2.0]})
    with pytest.raises(InputError, match=r"missing columns: region, pop$"):
        inequality_by_year(df, "y", groups="region", weights="pop")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sigma_convergence([]), "values is empty (pass at least one value)"),
        (
            lambda: sigma_convergence([1.0, np.nan]),
            "values contains missing or infinite values (drop or impute missing values before computing inequality)",
        ),
        (lambda: sigma_convergence([1.0, 0.0]), "values must be strictly positive (inequality measures take logs)"),
        (
            lambda: sigma_convergence([1.0, 2.0], [1.0]),
            "weights has 1 entries but values has 2 (pass one weight per value)",
        ),
        (
            lambda: sigma_convergence([1.0, 2.0, 3.0], [1.0, -1.0, 3.0]),
            "weights must be finite, non-negative and not all zero",
        ),
        (lambda: sigma_convergence([1.0, 2.0], [np.inf, 1.0]), "weights must be finite, non-negative and not all zero"),
        (lambda: sigma_convergence([1.0, 2.0], [0.0, 0.0]), "weights must be finite, non-negative and not all zero"),
        (lambda: theil([1.0, 2.0], ["a"]), "groups has 1 entries but values has 2 (pass one group label per value)"),
        (lambda: theil([1.0, 2.0], ["a", None]), "groups contains missing labels (every unit needs a group)"),
        (
            lambda: dagum_gini([1.0, 2.0], ["a", float("nan")]),
            "groups contains missing labels (every unit needs a group)",
        ),
    ],
)
def test_bad_input_messages(call, message):
    with pytest.raises(InputError) as err:
        call()
    assert str(err.value) == message


def test_inputs_of_other_types_are_read_as_numbers_and_labels():
    import pandas as pd

    # numbers held in an object column (as read from a mixed file) and fractional weights
    ref = sigma_convergence([1.0, 2.0, 4.0], [2.0, 3.0, 5.0])
    r = sigma_convergence(pd.Series([1, 2, 4], dtype=object), pd.Series([0.2, 0.3, 0.5], dtype=object))
    for key in ("cv", "sd_log", "mean", "sd"):
        assert_allclose(r[key], ref[key], rtol=1e-14)
    # a single value is valid: no dispersion
    one = sigma_convergence([5.0])
    assert one["cv"] == 0.0 and one["sd_log"] == 0.0 and one["n"] == 1
    # float group labels are labels, and labels keep their type (1 stays an integer)
    r = dagum_gini([1.0, 2.0, 3.0, 4.0], [0.5, 0.5, 1.5, 1.5])
    assert list(r["groups"].index) == [0.5, 1.5]
    t = theil([1.0, 2.0, 3.0, 4.0], ["a", 1, "a", 1])
    assert list(t["theil_t"]["groups"].index) == ["a", 1]


def test_theil_shares_and_group_table():
    y, g, w = [1.0, 2.0, 3.0, 4.0, 6.0], list("AABBB"), [2, 1, 1, 3, 1]
    r = theil(y, g, w)
    T, L, bt, bl = brute_theil(y, g, w)
    for key, tot, btw in (("theil_t", T, bt), ("theil_l", L, bl)):
        assert_allclose([r[key]["within_share"], r[key]["between_share"]], [(tot - btw) / tot, btw / tot], rtol=1e-12)
        t = r[key]["groups"]
        assert list(t.columns) == ["n", "pop_share", "income_share", "index", "contribution"]
        assert list(t["n"]) == [2, 3]
        assert_allclose(t["pop_share"], [3 / 8, 5 / 8], rtol=1e-15)
        inc = np.multiply(y, w)
        assert_allclose(t["income_share"], [inc[:2].sum() / inc.sum(), inc[2:].sum() / inc.sum()], rtol=1e-15)
        # each group's own index, from the per-unit definitions inside the group
        for lab, idx in (("A", slice(0, 2)), ("B", slice(2, 5))):
            Tg, Lg, _, _ = brute_theil(y[idx], g[idx], w[idx])
            assert_allclose(t.loc[lab, "index"], Tg if key == "theil_t" else Lg, rtol=1e-12)


def test_theil_equal_values_have_undefined_shares():
    r = theil([3.0, 3.0, 3.0], list("aab"))
    for key in ("theil_t", "theil_l"):
        assert r[key]["total"] == 0.0
        assert math.isnan(r[key]["within_share"]) and math.isnan(r[key]["between_share"])


def test_theil_zero_weight_group_before_others():
    # the zero-weight group comes first: the groups after it still count
    r = theil([9.0, 1.0, 2.0, 3.0, 4.0], list("CAABB"), [0, 1, 1, 1, 1])
    ref = theil([1.0, 2.0, 3.0, 4.0], list("AABB"))
    for key in ("theil_t", "theil_l"):
        assert list(r[key]["groups"].index) == ["A", "B"]
        for part in ("total", "between", "within"):
            assert_allclose(r[key][part], ref[key][part], rtol=1e-14)


def test_dagum_gross_between_and_square_tables():
    # A={1,3}, B={2,4}: G_nb = .1, G_t = .05 (hand case above), so G_gb = .15
    r = dagum_gini([1, 2, 3, 4], ["A", "B", "A", "B"])
    assert_allclose(r["between_gross"], 0.15, rtol=1e-14)
    for key in ("g_between", "d_between"):
        assert r[key].index.name == "group" and list(r[key].columns) == ["A", "B"]
