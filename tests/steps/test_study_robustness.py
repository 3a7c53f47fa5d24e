"""The robustness grid's weights (issue 22): each weights × sample variant estimates with its own matrix, so the
same model, sample and channel give different rows under different matrices, each equal to the study's own
estimate with that matrix. (That every variant job of the workflow reads its own ``{w}_raw.csv`` is checked on
the Snakemake DAG in tests/workflow/test_workflow_robustness_weights.py.)"""
import pandas as pd
import pytest

from aicoord.simulate import DEMO_DICTIONARY
from aicoord.steps import study as S
from aicoord.study import robustness_variant
from aicoord.weights import build_weights
from aicoord.weights_io import write_weights

CONTROLS = ["gdp_pc"]
MECHS = list(DEMO_DICTIONARY["mechanisms"])


def test_each_variant_estimates_with_its_own_matrix(files, mechanism_csvs, provinces_gdf, tmp_path):
    """Planted by hand: the step reading the study's queen file whatever ``weights_csv`` it is given makes the
    knn rows equal the queen rows, and this test fails."""
    knn = build_weights({"kind": "knn", "k": 4}, provinces_gdf)
    write_weights(knn, tmp_path / "knn4", name="knn4")
    kw = dict(weights_name=None, sample="full", models=("sdm",), y="coord_gap", ai="ai", controls=CONTROLS,
              mechanisms_=MECHS, effects="twoways", lee_yu=True, draws=100, seed=3, alpha=0.05)
    tabs = {}
    for name, raw in (("queen", files / "queen_raw.csv"), ("knn4", tmp_path / "knn4_raw.csv")):
        S.robustness_variant(files / "panel.csv", mechanism_csvs, raw, tmp_path / f"{name}.csv",
                             **{**kw, "weights_name": name})
        tabs[name] = pd.read_csv(tmp_path / f"{name}.csv").set_index("mechanism")
        assert (tabs[name]["weights"] == name).all() and list(tabs[name].index) == ["baseline", *MECHS]
        # the row is the study's estimate with that matrix (the CSV keeps 10 significant digits)
        d, _ = S._data(files / "panel.csv", mechanism_csvs)
        w, _ = S._weights(raw)
        direct = robustness_variant(d, y="coord_gap", ai="ai", mechanisms=MECHS, controls=CONTROLS, unit=S.UNIT,
                                    time=S.TIME, w=w, weights_name=name, sample="full", models=("sdm",),
                                    effects="twoways", lee_yu=True, draws=100, seed=3, alpha=0.05,
                                    municipalities=()).set_index("mechanism")
        for col in ("estimate", "lower", "upper"):
            assert tabs[name][col].to_numpy() == pytest.approx(direct[col].to_numpy(), rel=1e-9), (name, col)
    q, k = tabs["queen"], tabs["knn4"]
    # every row differs by matrix: AI's total effect and every channel's mediated effect, estimate and interval
    for col in ("estimate", "lower", "upper"):
        gap = (q[col] - k[col]).abs() / q[col].abs().clip(lower=1e-12)
        assert (gap > 1e-4).all(), (col, gap.to_dict())
