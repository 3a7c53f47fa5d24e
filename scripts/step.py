"""The one script of every rule: calls the step function the rule names in ``params.step``
(``aicoord.steps.<rule file>.<rule>``) with the rule's named input, output and params entries as keyword
arguments of the same name. See aicoord.runner.run_rule and docs/guide/workflow.md."""

from aicoord.runner import run_rule

run_rule(snakemake)  # noqa: F821
