"""The seed paper's tables as transcribed, and its descriptive claims.

Reference: Fang, Chang and Hu (2025), 区域经济评论 2025(5), section 2: Table 1 prints a mean of 57.18; the text
says the shares of provinces above the mean are 4/5 (East), 2/3 (Central), 1/4 (West) and 1/3 (Northeast),
that Beijing, Guangdong, Shanghai, Zhejiang and Jiangsu hold over 80% of AI firms and patents, and that the
top 10 has 7 eastern, 2 central and 1 western province.
"""

import json

import pandas as pd

from aicoord.contract import read_province_table
from aicoord.seed import seed_claims
from helpers import FIXTURES, ROOT

#: the seed paper's printed numbers, with their source (tests/fixtures/published.json)
SEED = json.loads((FIXTURES / "published.json").read_text(encoding="utf-8"))["fang_chang_hu_2025_seed"]


def test_table1_transcription(ai_index):
    raw = pd.read_csv(ROOT / "data/raw/seed_table1_ai_index_2023.csv")
    assert len(raw) == 31 and list(raw["rank"]) == list(range(1, 32))
    assert raw["ai_index"].is_monotonic_decreasing
    assert f"{ai_index.mean():.2f}" == SEED["table1_mean"]
    assert "工苏" not in set(raw["province"])  # corrected to 江苏, see data/raw/SOURCES.md


def test_claims_match_the_seed(ai_index):
    shares = read_province_table(
        ROOT / "data/raw/seed_table2_ai_firms_patents_2023.csv",
        "province",
        ["firm_share_pct", "patent_share_pct"],
        required_all=False,
    )
    claims = seed_claims(ai_index, shares).set_index("claim")
    assert claims["consistent"].all(), claims
    for region, (num, den) in SEED["share_above_mean"].items():
        assert claims.loc[f"share_above_mean_{region}", "value"] == num / den
    assert abs(claims.loc["top5_firm_share", "value"] - float(SEED["top5_firm_share_pct"])) < 1e-9
    assert abs(claims.loc["top5_patent_share", "value"] - float(SEED["top5_patent_share_pct"])) < 1e-9
