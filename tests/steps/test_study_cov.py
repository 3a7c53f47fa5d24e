"""The study's covariance choice (``analysis.cov_type``, ``analysis.cluster``, ``analysis.dk_lag``): the baseline
step fits with it (its standard errors equal the engine's for the same option), records the fit's ``cov_info`` in
its JSON, and the regression tables' note is built from that record, not from the configuration."""
import json

import numpy as np
import pandas as pd
import pytest

from aicoord.config import validate_config
from aicoord.errors import InputError
from aicoord.panel import SpatialPanel
from aicoord.paper.study_tables import cov_note
from aicoord.steps import paper as P
from aicoord.steps import study as S
from aicoord.study._common import setting
from helpers import ROOT

CONTROLS = ["gdp_pc"]


def _baseline(files, tmp, cov, tag):
    out = {k: tmp / f"{tag}_{k}" for k in ("coef.csv", "eff.csv", "fit.json")}
    S.baseline(files / "panel.csv", files / "queen_raw.csv", out["coef.csv"], out["eff.csv"], out["fit.json"],
               y="coord_gap", ai="ai", controls=CONTROLS, effects="twoways", lee_yu=True, draws=200, seed=1,
               alpha=0.05, weights_name="queen", cov=cov)
    return pd.read_csv(out["coef.csv"]), json.loads(out["fit.json"].read_text()), out


BOOT = {"draws": 199, "seed": 1, "weights": "webb"}


def test_baseline_cluster_by_region_and_table_note(files, tmp_path):
    coef0, fit0, _ = _baseline(files, tmp_path, None, "oim")
    with pytest.raises(InputError, match="only 4 clusters by region4") as exc:  # 4 clusters: the bootstrap is needed
        _baseline(files, tmp_path, {"cov_type": "cluster", "cluster": "region4", "dk_lag": None}, "no")
    assert "wild cluster bootstrap" in exc.value.hint
    coef, fit, out = _baseline(files, tmp_path, {"cov_type": "cluster", "cluster": "region4", "dk_lag": None,
                                                 "bootstrap": BOOT}, "cl")
    assert fit0["cov"]["cov_type"] == "oim"
    assert fit["cov"] == {**fit["cov"], "cov_type": "cluster", "cluster": "region4", "n_clusters": 4,
                          "factor": pytest.approx(4 / 3), "bootstrap": BOOT}
    # the same fit through the engine directly
    d, _ = S._data(files / "panel.csv")
    w, _ = S._weights(files / "queen_raw.csv")
    st = setting(d, "code", "year", w)
    res = SpatialPanel(st.data, y="coord_gap", x=["ai", *CONTROLS], id="code", time="year", w=st.Wdf,
                       model="sdm", effects="twoways", lee_yu=True).fit(cov_type="cluster", cluster="region4",
                                                                        bootstrap=BOOT)
    se = dict(zip(coef["parameter"], coef["se"]))
    for nm in res.params.index:
        assert se[nm] == pytest.approx(res.std_errors[nm], rel=1e-8)
    assert not np.allclose(coef["se"], coef0["se"])
    # the table's note comes from the JSON's record: rewrite the record and the note follows it
    reg = dict(language="en", decimals=3, stars=[0.10, 0.05, 0.01], parentheses="se", weights_labels={},
               labels={})
    paths = {k: tmp_path / f"t.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    P.baseline(out["coef.csv"], out["fit.json"], paths, **reg)
    notes = " ".join(P.read_table(paths["json"]).notes)
    assert ("cluster-robust standard errors by region (4 clusters); p-values from an unrestricted wild cluster "
            "bootstrap (Webb weights, 199 draws)") in notes
    fit["cov"] = {"cov_type": "driscoll-kraay", "dk_lag": 1}
    out["fit.json"].write_text(json.dumps(fit))
    P.baseline(out["coef.csv"], out["fit.json"], paths, **reg)
    assert "Driscoll–Kraay standard errors (Bartlett kernel, lag 1)" in " ".join(P.read_table(paths["json"]).notes)


def test_cov_note_phrases():
    assert cov_note(None, "en") is None and cov_note({"cov_type": "oim"}, "zh") is None
    assert cov_note({"cov_type": "cluster", "cluster": None, "n_clusters": 31}, "zh") == \
        "括号内数值基于按省份聚类的稳健标准误（31 个聚类）。"
    assert "sandwich" in cov_note({"cov_type": "robust"}, "en")
    assert "OPG" in cov_note({"cov_type": "opg"}, "zh")


@pytest.mark.parametrize("over,msg", [({"cluster": "region4"}, "analysis.cluster is set"),
                                      ({"dk_lag": 2, "cov_type": "robust"}, "analysis.dk_lag is set"),
                                      ({"cov_type": "hc3"}, "cov_type")])
def test_config_checks(over, msg):
    import yaml

    cfg = yaml.safe_load((ROOT / "config/config.default.yaml").read_text(encoding="utf-8"))
    validate_config(cfg, ROOT / "workflow/schemas/config.schema.yaml", root=ROOT, check_files=False)
    cfg["analysis"].update(over)
    with pytest.raises(InputError, match=msg):
        validate_config(cfg, ROOT / "workflow/schemas/config.schema.yaml", root=ROOT, check_files=False)


def test_mechanism_uses_the_study_covariance(files, tmp_path):
    """The mechanism step fits both equations with the study's covariance (issue 23: the verdict table rests on
    the baseline's covariance) and records the outcome fit's under ``cov``."""
    from aicoord.study import mechanism

    d, _ = S._data(files / "panel.csv", [files / "mechanism_industrial_upgrading.csv"])
    w, _ = S._weights(files / "queen_raw.csv")
    kw = dict(y="coord_gap", ai="ai", mechanism="industrial_upgrading", controls=CONTROLS, unit="code",
              time="year", w=w, draws=200, seed=1)
    m = mechanism(d, cov={"cov_type": "robust"}, **kw)
    assert m.outcome_fit.cov_info["cov_type"] == "robust" and m.mechanism_fit.cov_info["cov_type"] == "robust"
    base = mechanism(d, **kw)
    assert base.outcome_fit.cov_info["cov_type"] == "oim"
    assert not np.allclose(m.outcome_fit.std_errors, base.outcome_fit.std_errors)
    out = {k: tmp_path / f"m.{k}" for k in ("csv", "json")}
    S.mechanism(files / "panel.csv", files / "mechanism_industrial_upgrading.csv", files / "queen_raw.csv",
                out["csv"], out["json"], name="industrial_upgrading", y="coord_gap", ai="ai", controls=CONTROLS,
                effects="twoways", lee_yu=True, draws=200, seed=1, alpha=0.05, weights_name="queen",
                cov={"cov_type": "cluster", "cluster": "region4", "dk_lag": None, "bootstrap": BOOT})
    rec = json.loads(out["json"].read_text())["cov"]
    assert rec["cov_type"] == "cluster" and rec["n_clusters"] == 4 and rec["bootstrap"] == BOOT
