# The seed paper's claims recomputed (step module aicoord.steps.seed).


rule seed_claims:
    input:
        index=config["seed_tables"]["index"],
        shares=config["seed_tables"]["shares"],
    output:
        report(
            "results/tables/seed_claims.csv",
            caption="../report/seed_claims.rst",
            category="Seed paper",
        ),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/seed_claims.log",
    script:
        "../../scripts/seed_claims.py"
