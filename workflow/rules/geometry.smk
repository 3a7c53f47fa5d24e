rule province_geometry:
    output:
        "results/geometry/provinces.gpkg",
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/province_geometry.log",
    script:
        "../../scripts/build_geometry.py"


rule cross_section:
    input:
        dataset_file,
    output:
        "results/data/{dataset}.csv",
    params:
        id=dataset_id,
        variables=dataset_variables,
        year=dataset_year,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/cross_section/{dataset}.log",
    script:
        "../../scripts/prepare_cross_section.py"
