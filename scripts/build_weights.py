"""Snakemake adapter: build one weights matrix (rule weights)."""
from pathlib import Path

from aicoord.pipeline import build_weights_files
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    stem = Path(sm.output.gwt).with_suffix("")
    build_weights_files(dict(sm.params.spec), sm.wildcards.w, sm.input.gpkg, stem, sm.output.summary)
