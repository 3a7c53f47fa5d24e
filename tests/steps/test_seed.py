"""Step of workflow/rules/seed.smk (aicoord.steps.seed): the seed paper's claims, recomputed from its two tables
as transcribed (the claims themselves are checked against the paper's printed numbers in tests/test_seed.py)."""

import json

import pandas as pd
import pytest

from aicoord.errors import InputError
from aicoord.steps.seed import seed_claims
from helpers import FIXTURES, ROOT

INDEX = ROOT / "data/raw/seed_table1_ai_index_2023.csv"
SHARES = ROOT / "data/raw/seed_table2_ai_firms_patents_2023.csv"
SEED = json.loads((FIXTURES / "published.json").read_text(encoding="utf-8"))["fang_chang_hu_2025_seed"]


def test_seed_claims_table_holds_the_papers_claims_and_says_real_data(tmp_path):
    seed_claims(INDEX, SHARES, tmp_path / "claims.csv")
    t = pd.read_csv(tmp_path / "claims.csv").set_index("claim")
    assert t["consistent"].all()
    for region, (num, den) in SEED["share_above_mean"].items():
        assert t.loc[f"share_above_mean_{region}", "value"] == pytest.approx(num / den, rel=1e-9)  # 10 digits
    assert t.loc["top5_firm_share", "value"] == pytest.approx(float(SEED["top5_firm_share_pct"]), abs=1e-9)
    assert (t["note"] == "Source: Fang, Chang and Hu (2025), Tables 1 and 2 (real data)").all()


def test_a_misspelt_province_is_one_located_error_and_no_table(tmp_path):
    raw = pd.read_csv(INDEX)
    raw.loc[3, "province"] = "工苏"
    raw.to_csv(tmp_path / "index.csv", index=False)
    with pytest.raises(InputError, match="工苏"):
        seed_claims(tmp_path / "index.csv", SHARES, tmp_path / "claims.csv")
    assert not (tmp_path / "claims.csv").exists()
