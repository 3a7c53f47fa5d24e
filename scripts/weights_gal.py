"""Snakemake adapter: GAL neighbour lists of a binary weights matrix (rule weights_gal)."""
from aicoord.weights import read_weights_csv, write_gal_gwt
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    write_gal_gwt(read_weights_csv(sm.input[0]), sm.output[0])
