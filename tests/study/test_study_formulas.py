"""Small formulas of the study checked against independent references: the scenarios' reduced-form change by
dense solves, the verdict table's adjusted p-values by statsmodels' ``multipletests``, and the variants'
agreement counted by hand. Unit inputs only (no model fit), so the module is in the quick loop."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from aicoord.study.mechanisms import add_adjusted_p, add_agreement
from aicoord.study.mediation_parts import adjust_pvalues
from aicoord.study.scenarios import reduced_form_change


def _ring_w(n, row_standardise=True):
    """Binary ring contiguity with one chord (symmetric), optionally row-standardised."""
    w = np.zeros((n, n))
    for i in range(n):
        w[i, (i + 1) % n] = w[(i + 1) % n, i] = 1.0
    w[0, n // 2] = w[n // 2, 0] = 1.0
    return w / w.sum(1, keepdims=True) if row_standardise else w


@pytest.mark.parametrize("row_standardise", [True, False])
def test_reduced_form_change_equals_dense_solves(row_standardise):
    """Δy = (I − ρW)⁻¹(βI + θW)Δx; the own part is the diagonal of that matrix times Δx, the spillover the rest."""
    n = 9
    w = _ring_w(n, row_standardise)
    rho = 0.35 if row_standardise else 0.2  # |ρ| below 1 / the largest eigenvalue (at most 3 unstandardised)
    beta, theta = -0.8, 0.45
    dx = np.linspace(-1.0, 2.0, n) ** 2
    s = np.linalg.solve(np.eye(n) - rho * w, beta * np.eye(n) + theta * w)
    dy, own, spill = reduced_form_change(w, rho, beta, theta, dx)
    assert dy == pytest.approx(s @ dx, rel=1e-10, abs=1e-12)
    assert own == pytest.approx(np.diag(s) * dx, rel=1e-10, abs=1e-12)
    assert spill == pytest.approx((s - np.diag(np.diag(s))) @ dx, rel=1e-10, abs=1e-12)
    # a change in one region only spills over to its neighbours and beyond
    one = np.zeros(n)
    one[3] = 1.0
    _, own1, spill1 = reduced_form_change(w, rho, beta, theta, one)
    assert own1[3] == pytest.approx(s[3, 3]) and spill1[3] == pytest.approx(0, abs=1e-12)
    assert spill1 == pytest.approx(np.where(np.arange(n) == 3, 0.0, s[:, 3]), abs=1e-12)


@pytest.mark.parametrize("adjust, method", [("holm", "holm"), ("bh", "fdr_bh")])
def test_adjusted_p_values_equal_statsmodels(adjust, method):
    p = np.array([0.001, 0.04, 0.03, 0.2, 0.012])
    tab = pd.DataFrame({"mechanism": ["baseline", "a", "b", "c", "d"], "p": p})
    out = add_adjusted_p(tab, adjust)
    assert out["p_adjusted"].to_numpy() == pytest.approx(multipletests(p, method=method)[1], rel=1e-12)
    assert out.attrs["adjustment"] == adjust and "p_adjusted" not in tab  # the input is left as it was
    assert list(out["p"]) == list(p)


def test_adjusted_p_values_need_a_p_column():
    tab = pd.DataFrame({"mechanism": ["baseline"], "effect": [0.1]})
    assert add_adjusted_p(tab).equals(tab)


def test_agreement_counts_the_variants_of_each_row_by_hand():
    table = pd.DataFrame({"mechanism": ["baseline", "m1", "m2"], "verdict": ["promotes", "hinders", "inconclusive"]})
    grid = pd.DataFrame(
        {
            "mechanism": ["baseline"] * 4 + ["m1"] * 3 + ["m2"] * 2,
            "verdict": [
                "promotes",
                "promotes",
                "inconclusive",
                "not estimated",
                "hinders",
                "promotes",
                "hinders",
                "not estimated",
                "not estimated",
            ],
        }
    )
    out = add_agreement(table, grid).set_index("mechanism")
    assert out.loc["baseline", ["variants", "variants_agree"]].tolist() == [3, 2]
    assert out.loc["m1", ["variants", "variants_agree"]].tolist() == [3, 2]
    assert out.loc["m2", ["variants", "variants_agree"]].tolist() == [0, 0]
    assert "variants" not in table  # the input is left as it was


def test_baseline_row_p_value_is_the_two_sided_share_of_the_draws_beyond_zero():
    """The baseline row's p-value comes from the same draws as its interval, so that stars and verdict agree:
    2 min(P(draw <= 0), P(draw >= 0)); constant negative draws (SE exactly 0) give p = 0, not a normal z."""
    from types import SimpleNamespace

    from aicoord.study.mechanisms import baseline_row

    idx = pd.MultiIndex.from_tuples([("ai", "total")])
    spread = np.linspace(-0.5, 0.1, 50)
    # -0.25 is exact in binary: the SE of constant draws is exactly 0
    for draws, se in ((np.full(50, -0.25), 0.0), (spread, np.std(spread, ddof=1))):
        b = SimpleNamespace(
            ai="ai",
            model="sdm",
            effect_draws={"ai": {"total": draws}},
            effects=pd.DataFrame({"estimate": [-0.25]}, index=idx),
        )
        row = baseline_row(b, 0.05)
        assert row["se"] == pytest.approx(se)
        share = 2 * min(np.mean(draws <= 0), np.mean(draws >= 0))
        assert row["p"] == pytest.approx(min(1.0, share), abs=1e-15)
    assert share == pytest.approx(2 * 9 / 50)  # 9 of the 50 evenly spaced draws lie at or above 0


@pytest.mark.parametrize(
    "args", [(True, True, 0.5, 0.5), (False, True, 0.01, 0.5), (True, False, 0.5, 0.01), (False, False, 0.5, 0.5)]
)
def test_every_selection_reason_is_in_the_tables_vocabulary(args):
    """Each reason the selection rule gives is printed in Chinese by the specification table (an unknown reason
    would be printed as it is, in English)."""
    from aicoord.paper.labels import foreign_words, term
    from aicoord.study.specification import select_model

    model, reason = select_model(*args)
    zh = term("reason", reason, "zh")
    assert zh != reason and not foreign_words(zh), (model, reason, zh)


def test_specification_rows_print_each_decision_and_its_reason():
    """The specification table's decision column and note from ``specification.csv``: a row's decision ("model
    (reason)") is printed in the table's language with its reason in the note; a test row without a decision says
    whether it rejects."""
    from aicoord.paper import NumberFormat
    from aicoord.paper.labels import term
    from aicoord.paper.study_tables import specification_rows

    g = pd.DataFrame(
        {
            "test": ["LM lag", "selected model"],
            "statistic": [5.2, np.nan],
            "df": [1, np.nan],
            "p": [0.02, np.nan],
            "reject": [True, np.nan],
            "effects": [np.nan, "twoways"],
            "null": ["rho = 0", np.nan],
            "decision": [np.nan, "sdm (both SAR and SEM restrictions rejected)"],
        }
    )
    for language in ("zh", "en"):
        rows, notes = specification_rows(g, language, NumberFormat(decimals=3))
        decision_col = list(rows[0])[-1]
        assert rows[0][decision_col] == {"zh": "拒绝原假设", "en": "Reject"}[language]
        assert rows[1][decision_col] == "sdm"  # the decision without its reason, which goes to the note
        why = term("reason", "both SAR and SEM restrictions rejected", language)
        assert len(notes) == 1 and why in notes[0] and notes[0].startswith(term("test", "selected model", language))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_specification_rows_state_the_robust_hausman_statistic_and_the_kept_baseline(language):
    """A Hausman row replaced by the robust Mundlak test: the note gives the classical statistic as the table
    prints numbers, first; the selected model kept as SDM for the baseline: its reason, then the baseline's, last;
    the row ``baseline model`` prints the model with its reason in the cell; the label names the effects."""
    from aicoord.paper import NumberFormat
    from aicoord.paper.labels import term
    from aicoord.paper.study_tables import decision, specification_rows
    from aicoord.study.specification import BASELINE_NOTE

    classical = -3.21456
    null = (
        "random effects consistent; robust Mundlak version with errors clustered by unit, since the classical "
        f"statistic ({classical:.4g}) was negative or its V_FE - V_RE not positive definite"
    )
    g = pd.DataFrame(
        {
            "test": ["hausman", "selected model", "baseline model"],
            "statistic": [7.5, np.nan, np.nan],
            "df": [3, np.nan, np.nan],
            "p": [0.058, np.nan, np.nan],
            "reject": [False, np.nan, np.nan],
            "effects": ["individual vs random", "twoways", np.nan],
            "null": [null, "rule", "analysis.baseline_model: sdm"],
            "decision": [
                "random effects",
                f"SAR with twoways fixed effects (SEM restriction not rejected); {BASELINE_NOTE}",
                "SDM (kept, see the note)",
            ],
        }
    )
    fmt = NumberFormat(decimals=3)
    rows, notes = specification_rows(g, language, fmt)
    assert notes[0] == term("reason", "robust_hausman", language, classical="\u22123.215")
    assert notes[-1] == term("reason", "baseline_sdm", language)
    assert len(notes) == 3 and notes[1].startswith(term("test", "selected model", language))
    head = list(rows[0])
    effects = term("effects", "individual vs random", language)
    hausman = term("test", "hausman", language)
    assert rows[0][head[0]] == (f"{hausman}（{effects}）" if language == "zh" else f"{hausman} ({effects})")
    assert [rows[0][h] for h in head[1:]] == ["7.500", "3", "0.058", decision("random effects", language)]
    kept = term("reason", "kept, see the note", language)
    sdm = decision("SDM", language)
    assert rows[2][head[-1]] == (f"{sdm}（{kept}）" if language == "zh" else f"{sdm} ({kept})")
    assert rows[1][head[0]] == term("test", "selected model", language)  # no effects in its label


def test_iv_baseline_takes_the_2sls_total_effect_and_keeps_the_ml_figures():
    from aicoord.study.mechanisms import iv_baseline

    ml = {"mechanism": "baseline", "effect": -0.02, "lower": -0.03, "upper": -0.01, "se": 0.005, "p": 1e-4}
    ml["verdict"] = "promotes"
    ident = pd.DataFrame(
        {
            "estimator": ["ml", "iv", "iv", "gmm"],
            "effect": ["total", "direct", "total", "total"],
            "estimate": [-0.02, -0.5, 0.012, 0.9],
            "se": [0.005, 0.1, 0.004, 0.1],
            "ci_low": [-0.03, -0.7, 0.004, 0.7],
            "ci_high": [-0.01, -0.3, 0.02, 1.1],
            "p": [1e-4, 1e-6, 0.0027, 1e-9],
        }
    )
    row = iv_baseline(ml, ident)
    assert row == {
        **ml,
        "ml_effect": -0.02,
        "ml_lower": -0.03,
        "ml_upper": -0.01,
        "ml_verdict": "promotes",
        "effect": 0.012,
        "lower": 0.004,
        "upper": 0.02,
        "se": 0.004,
        "p": 0.0027,
        "basis": "iv",
        "verdict": "hinders",  # the 2SLS interval lies wholly above zero
    }
    assert ml["effect"] == -0.02 and "basis" not in ml  # the ML row itself is left as it was
    assert iv_baseline(ml, ident, estimator="gmm")["effect"] == 0.9
    ident.loc[2, ["ci_low", "ci_high"]] = [-0.001, 0.02]
    assert iv_baseline(ml, ident)["verdict"] == "inconclusive"


def test_adjusted_verdict_keeps_a_verdict_only_below_alpha():
    from aicoord.study.mechanisms import add_adjusted_verdict

    t = pd.DataFrame(
        {"verdict": ["promotes", "hinders", "promotes", "inconclusive"], "p_adjusted": [0.01, 0.05, 0.0499, 0.2]}
    )
    out = add_adjusted_verdict(t, 0.05)
    assert out["verdict_adjusted"].tolist() == ["promotes", "inconclusive", "promotes", "inconclusive"]
    assert "verdict_adjusted" not in t.columns  # a copy
    assert "verdict_adjusted" not in add_adjusted_verdict(t.drop(columns="p_adjusted"), 0.05).columns


@pytest.mark.parametrize(
    ("values", "shift"), [([0.5, 2.0], None), ([0.0, 2.0], 1.0), ([-0.2, 1.0], 2.0), ([-3.0, 1.0], 4.0)]
)
def test_dispersion_shift_is_the_smallest_whole_number_lifting_every_value_to_one(values, shift):
    from aicoord.study.scenarios import dispersion_shift

    assert dispersion_shift(values) == shift
    if shift is not None:
        assert min(values) + shift >= 1 and min(values) + shift - 1 < 1


@pytest.mark.parametrize("language", ["en", "zh"])
def test_lee_yu_note_states_the_effective_sample_only_when_it_is_smaller(language):
    from aicoord.paper.study_tables import lee_yu_note

    assert lee_yu_note({"lee_yu": False, "N": 31, "T": 7, "nobs": 186}, language) == ""
    full = lee_yu_note({"lee_yu": True, "N": 31, "T": 7, "nobs": 217}, language)
    assert full == {"en": "Lee–Yu bias correction", "zh": "经 Lee–Yu 偏误修正"}[language]
    # two-way Lee-Yu: (N - 1)(T - 1) effective observations
    short = lee_yu_note({"lee_yu": True, "N": 31, "T": 7, "nobs": 180}, language)
    assert (
        short
        == {
            "en": "Lee–Yu bias correction; observations are the effective sample after the Lee–Yu orthogonal "
            "transformation, 30 × 6 = 180 of N × T = 217",
            "zh": "经 Lee–Yu 偏误修正，观测值为 Lee–Yu 正交变换后的有效样本 30 × 6 = 180（原样本 N × T = 217）",
        }[language]
    )
    # unit effects only: N (T - 1); time effects only: (N - 1) T
    assert "31 × 6 = 186" in lee_yu_note({"lee_yu": True, "N": 31, "T": 7, "nobs": 186}, language)
    assert "30 × 7 = 210" in lee_yu_note({"lee_yu": True, "N": 31, "T": 7, "nobs": 210}, language)


def test_adjust_pvalues_without_a_method_is_holm():
    """The documented default: called without ``method``, the adjustment is Holm's step-down (statsmodels'
    ``multipletests(method="holm")`` on the finite entries); the NaN entry stays out of the family and NaN. Holm
    and Benjamini-Hochberg differ on these p-values, so the default is told apart from the other method."""
    p = np.array([0.01, np.nan, 0.04, 0.03, 0.2])
    ok = np.isfinite(p)
    got = adjust_pvalues(p)
    assert np.isnan(got[1])
    np.testing.assert_allclose(got[ok], multipletests(p[ok], method="holm")[1], rtol=1e-12)
    assert not np.allclose(got[ok], multipletests(p[ok], method="fdr_bh")[1])


def test_baseline_columns_naming_an_unknown_matrix_list_the_configured_ones():
    """A column naming a matrix that is not configured stops before any fit, with the matrices to choose from."""
    from aicoord.errors import InputError
    from aicoord.study.models import baseline_columns

    weights = {"queen": np.eye(2), "knn4": np.eye(2)}
    with pytest.raises(InputError, match=r"baseline columns name matrices \['rook'\] that are not configured") as exc:
        baseline_columns(
            pd.DataFrame(),
            y="y",
            ai="ai",
            controls=[],
            unit="code",
            time="year",
            weights=weights,
            columns=("sar:rook",),
        )
    assert exc.value.hint == "use one of queen, knn4"


def test_stranded_units_are_the_same_from_a_sparse_matrix_as_from_a_dense_one():
    """``_with_stranded`` on the sparse weights of a large study (no N × N array) drops the same units, in the
    same order, as on the dense matrix: dropping the hub of a star strands its two leaves (not the unit that
    still has a neighbour down a chain); dropping the chain's middle strands its end."""
    from scipy import sparse

    from aicoord.study.robustness import _with_stranded
    from aicoord.weights_sparse import Weights

    ids = ["a", "b", "c", "d", "e", "f"]
    w = pd.DataFrame(0.0, index=ids, columns=ids)
    for i, j in [("a", "b"), ("a", "c"), ("a", "d"), ("d", "e"), ("e", "f")]:
        w.loc[i, j] = w.loc[j, i] = 1.0
    sw = Weights(sparse.csr_matrix(w.to_numpy()), ids)
    for drop, want in ((("a",), ("a", "b", "c")), (("e",), ("e", "f")), (("a", "e"), ("a", "e", "b", "c", "d", "f"))):
        assert _with_stranded(w, ids, drop) == want
        assert _with_stranded(sw, ids, drop) == want


@pytest.mark.parametrize("shift", [0.0, -0.3, 0.5])
def test_summarise_p_is_two_sided_normal_of_the_estimate_over_the_simulated_se(shift):
    """``summarise``'s SE is the draws' standard deviation (n − 1), z the estimate over it and p = 2 Φ(−|z|) by
    scipy's normal survival function; the interval is the draws' two-sided quantiles."""
    from scipy import stats

    from aicoord.study._common import summarise

    draws = np.random.default_rng(8).normal(shift, 0.2, 3000)
    estimate = shift + 0.01
    s = summarise(estimate, draws, 0.10)
    se = np.std(draws, ddof=1)
    assert s["se"] == pytest.approx(se, rel=1e-12)
    assert s["z"] == pytest.approx(estimate / se, rel=1e-12)
    assert s["p"] == pytest.approx(2 * stats.norm.sf(abs(estimate / se)), rel=1e-10)
    assert (s["lower"], s["upper"]) == tuple(np.quantile(draws, [0.05, 0.95]))
