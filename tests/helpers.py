"""Paths and tolerances shared by the tests (imported as ``refs``; not a conftest, to avoid clashes)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

#: Agreement required with R spdep (issue: 1e-6).
RTOL_R = 1e-6
ATOL_R = 1e-9
