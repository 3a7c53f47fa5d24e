# The seed paper's claims recomputed (step module aicoord.steps.seed).


rule seed_claims:
    input:
        index_csv=config["seed_tables"]["index"],
        shares_csv=config["seed_tables"]["shares"],
    output:
        out_csv=report(
            "results/tables/seed_claims.csv",
            caption="../report/seed_claims.rst",
            category="Seed paper",
        ),
    log:
        "logs/seed_claims.log",
    params:
        step="aicoord.steps.seed.seed_claims",
    script:
        "../../scripts/step.py"
