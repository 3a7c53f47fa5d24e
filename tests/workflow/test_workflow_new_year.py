"""New-year data: a user appends next year's rows to the panel file and reruns ``snakemake``. Exactly the jobs
that depend on the file rerun (the panel, everything estimated from it, the economic and nested matrices built
from its GDP per capita and what uses them); the geometry, the geographic matrices and the seed's cross-section
do not; every panel table then has the new year; a third run does nothing."""

import shutil

import numpy as np
import pandas as pd
import pytest

from helpers import job_counts, real_overlay, run_snakemake, write_overlay

REAL_PANEL = "data/raw/panel_test.csv"

#: Jobs of the real-panel study that do not read the panel file, directly or through another job's output:
#: the map, the five geographic matrices (queen, rook, knn4, invdist, invdist2) and the contiguity GAL files,
#: the seed's 2023 cross-section, its inequality table and the table of the seed's claims.
INDEPENDENT = {
    "province_geometry": 1,
    "weights": 5,
    "weights_gal": 3,
    "cross_section": 1,
    "inequality_cross_section": 1,
    "seed_claims": 1,
}
#: Outputs of those jobs (each rule at least once) that must keep their modification time.
KEPT = [
    "results/geometry/provinces.gpkg",
    "results/weights/queen.csv",
    "results/weights/invdist.csv",
    "results/weights/queen.gal",
    "results/data/ai2023.csv",
    "results/tables/inequality_ai2023.csv",
    "results/tables/seed_claims.csv",
]


def next_year_rows(path, seed=2024):
    """The panel file's last year, moved on one year as a yearbook would print it (AI index +8%, GDP per capita
    +5%, population +0.3%, the other columns with small seeded changes), as text rows to append."""
    df = pd.read_csv(path, encoding="utf-8")
    last = df[df["年份"] == df["年份"].max()].copy()
    rng = np.random.default_rng(seed)
    last["年份"] += 1
    growth = {"人工智能指数": 1.08, "人均GDP": 1.05, "人口": 1.003}
    for col in df.columns[2:]:
        last[col] = (
            last[col] * growth[col]
            if col in growth
            else last[col] + rng.normal(0.0, 0.02 * float(df[col].std()), len(last))
        ).round(10)
    return last


def _counts(md):
    """Provinces, years and observations of the baseline table (Markdown, Chinese labels: the default)."""
    rows = dict(
        ln.strip("| ").split(" | ")[:2]
        for ln in md.read_text(encoding="utf-8").splitlines()
        if ln.startswith(("| 省份数 |", "| 年数 |", "| 观测值 |"))
    )
    return {k: int(v.replace(",", "")) for k, v in rows.items()}


@pytest.mark.slow(
    reason="the rerun is 64 of the study's 76 jobs (every estimation reads the panel), about as long "
    "as the real-panel study itself (3-4 minutes on 2 idle cores); the study is the session's "
    "real_study fixture, not a second full run"
)
def test_appending_a_year_reruns_only_what_reads_the_panel(real_study, tmp_path):
    src, _ = real_study
    wd = tmp_path / "study"
    shutil.copytree(src, wd, symlinks=True)  # results and Snakemake's records, with their modification times
    write_overlay(wd, real_overlay(REAL_PANEL))
    assert job_counts(run_snakemake(wd, "-n")) == {}  # the copy is up to date
    every = job_counts(run_snakemake(wd, "-n", "-F"))
    every.pop("total")
    kept = {rel: (wd / rel).stat().st_mtime_ns for rel in KEPT}
    before = _counts(wd / "results/paper/baseline.md")

    panel = wd / REAL_PANEL
    new = next_year_rows(panel)
    year = int(new["年份"].iloc[0])
    assert panel.read_bytes().endswith(b"\n")
    new.to_csv(panel, mode="a", header=False, index=False, encoding="utf-8")  # append, as a user would

    ran = job_counts(run_snakemake(wd))
    expected = {rule: n - INDEPENDENT.get(rule, 0) for rule, n in every.items() if n > INDEPENDENT.get(rule, 0)}
    expected["total"] = sum(expected.values())
    assert ran == expected, {
        k: (ran.get(k), expected.get(k)) for k in set(ran) | set(expected) if ran.get(k) != expected.get(k)
    }
    assert {rel: (wd / rel).stat().st_mtime_ns for rel in KEPT} == kept

    # every panel table has the new year
    tidy = pd.read_csv(wd / "results/data/panel.csv")
    assert len(tidy) == 31 * 14 and tidy["year"].max() == year
    assert year in set(pd.read_csv(wd / "results/tables/inequality_panel.csv")["year"])
    assert f"| {31 * 14} |" in (wd / "results/paper/descriptive.md").read_text(encoding="utf-8")
    for name in ("inequality", "convergence", "tables"):
        ext = "tex" if name == "tables" else "csv"
        assert str(year) in (wd / f"results/paper/{name}.{ext}").read_text(encoding="utf-8"), name
    after = _counts(wd / "results/paper/baseline.md")
    # two-way effects with the Lee-Yu transformation leave (N - 1)(T - 1) observations: one more year adds N - 1
    assert after == {"省份数": 31, "年数": 14, "观测值": 30 * 13} and before["观测值"] == 30 * 12, (before, after)

    # a third run with no change does nothing
    res = run_snakemake(wd)
    assert job_counts(res) == {} and "Nothing to be done" in res.stdout + res.stderr
