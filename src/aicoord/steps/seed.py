"""Steps of ``workflow/rules/seed.smk``: the seed paper's claims."""

from __future__ import annotations

from ..contract import read_province_table
from ..io import write_csv
from ..seed import seed_claims as claims

__all__ = ["seed_claims"]


def seed_claims(index_csv, shares_csv, out_csv) -> None:
    """Recompute the seed paper's descriptive claims (rule ``seed_claims``; see :mod:`aicoord.seed`)."""
    index = read_province_table(index_csv, "province", ["ai_index"])["ai_index"]
    shares = read_province_table(shares_csv, "province", ["firm_share_pct", "patent_share_pct"], required_all=False)
    out = claims(index, shares)
    out["note"] = "Source: Fang, Chang and Hu (2025), Tables 1 and 2 (real data)"
    write_csv(out, out_csv)
