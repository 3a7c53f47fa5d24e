"""Steps of workflow/rules/weights.smk (aicoord.steps.weights)."""
import json

import pandas as pd

from aicoord.steps import weights as steps
from helpers import NOTE


def test_economic_weights_from_panel_keep_its_note(files, tmp_path):
    steps.weights({"kind": "economic"}, "economic", None, tmp_path / "economic", tmp_path / "s.json",
                  panel_csv=files / "panel.csv")
    summary = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert summary["note"] == "GDP per capita from the panel: " + NOTE and summary["n"] == 31
    p = pd.read_csv(files / "panel.csv", dtype={"code": str})
    g = p.groupby("code")["gdp_pc"].mean()
    w = pd.read_csv(tmp_path / "economic_raw.csv", dtype={"code": str}).set_index("code")
    a, b = "110000", "120000"
    assert abs(w.loc[a, b] - 1 / abs(g[a] - g[b])) < 1e-9 * w.loc[a, b]


def test_gal_and_summary(files, tmp_path):
    from aicoord.weights_io import read_weights

    steps.weights_gal(files / "queen_raw.csv", tmp_path / "q.gal")
    gal, raw = read_weights(tmp_path / "q.gal"), read_weights(files / "queen_raw.csv")
    assert gal.id_order == raw.id_order
    assert {k: sorted(v) for k, v in gal.neighbors.items()} == {k: sorted(v) for k, v in raw.neighbors.items()}
    summaries = []
    for name, links in (("a", 138), ("b", 120)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"matrix": name, "kind": "queen", "n": 31, "links": links, "pct_nonzero": 1.0,
                                    "min_neighbours": 1, "mean_neighbours": 4.0, "max_neighbours": 9, "islands": 0,
                                    "island_ids": "", "components": 1, "asymmetric_links": 0,
                                    "symmetric_values": True, "row_standardised": True, "note": "x"}))
        summaries.append(path)
    steps.weights_summary(summaries, tmp_path / "s.csv")
    s = pd.read_csv(tmp_path / "s.csv")
    assert list(s["matrix"]) == ["a", "b"] and list(s["links"]) == [138, 120] and s.columns[0] == "matrix"
