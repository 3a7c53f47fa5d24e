# aicoord: spatial econometrics of AI and China's coordinated regional development.
# The Snakefile is a table of contents; rules live in workflow/rules/, logic in the aicoord package.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.default.yaml"  # every default: the default study
configfile: "config/config.yaml"  # the user's changes, laid over the defaults


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/geometry.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/weights.smk"
include: "workflow/rules/esda.smk"
include: "workflow/rules/seed.smk"
include: "workflow/rules/measures.smk"
include: "workflow/rules/study.smk"
include: "workflow/rules/paper_estimates.smk"
include: "workflow/rules/paper_figures.smk"
include: "workflow/rules/paper.smk"  # after the two above: its README rule lists their rules
include: "workflow/rules/did.smk"


# One software environment for every rule (`snakemake --use-conda`), set here once. Snakemake's workflow-level
# `conda:` directive is not a default for the rules: it injects an environment into the Snakemake process itself.
for _rule in workflow.rules:
    _rule.conda_env = "../../envs/aicoord.yaml"  # relative to workflow/rules/, where every rule is written


onstart:
    remove_stale_outputs()  # outputs of rules no longer in the study (the demo panel's, once panel.file is set)


rule all:
    default_target: True
    input:
        all_targets(),
