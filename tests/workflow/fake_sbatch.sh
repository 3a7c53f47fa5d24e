#!/usr/bin/env bash
# Stands in for `sbatch` in the cluster test: Snakemake's generic cluster executor calls it with the job
# script as last argument. It records the submission, starts the job script as a separate background
# process (as a scheduler would on a node) and prints a job id.
set -euo pipefail
jobscript="${@: -1}"
log="${FAKE_SBATCH_LOG:?FAKE_SBATCH_LOG must name the submissions file}"
bash "$jobscript" >"$jobscript.out" 2>&1 &
echo "$! ${*:1:$#-1} $(basename "$jobscript")" >>"$log"
echo "$!"
