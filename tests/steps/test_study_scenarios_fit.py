"""The scenarios step rests on the study's baseline fit: the same model, covariance (``analysis.cov_type``,
``analysis.cluster``) and draws as the rule ``baseline``, so that the scenarios' intervals are drawn from the
covariance the baseline table reports (they once came from a refit with the default covariance and a fixed
number of draws)."""

import pandas as pd
import pytest

from aicoord import study
from aicoord.contract import read_tidy
from aicoord.steps import study as S
from aicoord.weights_load import load_weights

KW = dict(y="coord_gap", ai="ai", controls=["gdp_pc"], effects="twoways", lee_yu=True, alpha=0.05)
SPECS = {"catch_up": {"kind": "raise_to_mean", "regions": ["Central", "West", "Northeast"]}}
DRAWS, SEED = 60, 3


def _step(files, tmp_path, tag, cov):
    out = tmp_path / f"{tag}_p.csv", tmp_path / f"{tag}_d.csv"
    S.scenarios(
        files / "panel.csv",
        files / "queen_raw.csv",
        *out,
        specs=SPECS,
        draws=DRAWS,
        seed=SEED,
        weights_name="queen",
        cov=cov,
        **KW,
    )
    return [pd.read_csv(p, dtype={"unit": str}).drop(columns=["weights", "note"]) for p in out]


def _direct(files, cov):
    """The scenarios of :func:`aicoord.study.scenarios` on :func:`aicoord.study.baseline` fitted with ``cov`` and
    the configuration's draws and seed."""
    d = read_tidy(files / "panel.csv")
    b = study.baseline(
        d, unit="code", time="year", w=load_weights(files / "queen_raw.csv"), draws=DRAWS, seed=SEED, cov=cov, **KW
    )
    regions = d.groupby("code")["region4"].first()
    spec_list = [{"name": n, **s} for n, s in SPECS.items()]
    return study.scenarios(
        b,
        spec_list,
        regions=regions,
        draws=DRAWS,
        seed=SEED,
        alpha=KW["alpha"],
        shift=study.dispersion_shift(d["coord_gap"]),
    )


@pytest.mark.parametrize("cov_type", ["cluster", "robust"])
def test_scenarios_draw_from_the_baseline_fit_with_the_study_covariance(files, tmp_path, cov_type):
    cov = {"cov_type": cov_type, "cluster": None, "dk_lag": None, "bootstrap": None}
    provinces, dispersion = _step(files, tmp_path, cov_type, cov)
    want_p, want_d = _direct(files, {"cov_type": cov_type})
    # the step's intervals are those of the study's fit with the chosen covariance (written at 10 digits)
    pd.testing.assert_frame_equal(provinces, want_p, check_dtype=False, rtol=1e-9)
    pd.testing.assert_frame_equal(dispersion, want_d, check_dtype=False, rtol=1e-9)
    # and the covariance matters: under the default (oim) the point changes agree, the intervals do not
    oim_p, _ = _step(files, tmp_path, "oim", {"cov_type": "oim", "cluster": None, "dk_lag": None, "bootstrap": None})
    pd.testing.assert_series_equal(provinces["delta_y"], oim_p["delta_y"], rtol=1e-9)
    assert not (provinces["delta_y_lower"] - oim_p["delta_y_lower"]).abs().lt(1e-6).all()
