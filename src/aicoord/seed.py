"""The seed paper's descriptive claims about 2023 AI capacity, recomputed from its own tables.

Fang, Chang and Hu (2025), section 2, state that (i) the national mean of the 2023 AI industry
competitiveness index is 57.18; (ii) the shares of provinces above that mean are 4/5 in the East, 2/3 in
the Centre, 1/4 in the West and 1/3 in the Northeast; (iii) Beijing, Guangdong, Shanghai, Zhejiang and
Jiangsu hold over 80% of China's AI firms and patents; (iv) the top 10 comprise 7 eastern, 2 central and
1 western province, none from the Northeast. :func:`seed_claims` recomputes each from Tables 1 and 2.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from .provinces import REGION4_ORDER, province_table

__all__ = ["seed_claims", "SEED_STATEMENTS"]

#: What the seed says, verbatim in substance, keyed by claim id.
SEED_STATEMENTS = {
    "mean_index": "均值 57.18",
    "share_above_mean_East": "4/5",
    "share_above_mean_Central": "2/3",
    "share_above_mean_West": "1/4",
    "share_above_mean_Northeast": "1/3",
    "top5_firm_share": "超过80%",
    "top5_patent_share": "超过80%",
    "top10_by_region": "东部7个, 中部2个, 西部1个, 东北0个",
}


def seed_claims(index: pd.Series, shares: pd.DataFrame) -> pd.DataFrame:
    """Recompute the seed's descriptive claims.

    Parameters
    ----------
    index : pandas.Series
        2023 AI competitiveness index indexed by province code (31 provinces).
    shares : pandas.DataFrame
        ``firm_share_pct`` and ``patent_share_pct`` indexed by province code (the seed's top 10).

    Returns
    -------
    pandas.DataFrame
        Columns ``claim``, ``seed_says``, ``computed``, ``value``, ``consistent``.
    """
    table = province_table().set_index("code")
    region = table.loc[index.index, "region4"]
    mean = float(index.mean())
    rows = [("mean_index", f"{mean:.2f}", mean, round(mean, 2) == 57.18)]
    above = index > mean
    for r in REGION4_ORDER:
        members = region[region == r].index
        k, n = int(above.loc[members].sum()), len(members)
        frac = Fraction(k, n)
        rows.append(
            (f"share_above_mean_{r}", f"{k}/{n} = {frac}", k / n, str(frac) == SEED_STATEMENTS[f"share_above_mean_{r}"])
        )
    top5 = ["110000", "440000", "310000", "330000", "320000"]
    for col, key in (("firm_share_pct", "top5_firm_share"), ("patent_share_pct", "top5_patent_share")):
        s = float(shares.loc[top5, col].sum())
        rows.append((key, f"{s:.2f}%", s, s > 80.0))
    top10 = index.sort_values(ascending=False).index[:10]
    counts = region.loc[top10].value_counts().reindex(list(REGION4_ORDER), fill_value=0)
    text = ", ".join(f"{r} {counts[r]}" for r in REGION4_ORDER)
    rows.append(
        (
            "top10_by_region",
            text,
            float(counts["East"]),
            (counts["East"], counts["Central"], counts["West"], counts["Northeast"]) == (7, 2, 1, 0),
        )
    )
    out = pd.DataFrame(rows, columns=["claim", "computed", "value", "consistent"])
    out.insert(1, "seed_says", out["claim"].map(SEED_STATEMENTS))
    return out
