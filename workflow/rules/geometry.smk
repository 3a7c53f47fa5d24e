# The provincial polygons (step module aicoord.steps.geometry).


rule province_geometry:
    output:
        GEOMETRY,
    params:
        level=LEVEL,
    resources:
        mem_mb=3000,
        runtime=20,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/province_geometry.log",
    script:
        "../../scripts/province_geometry.py"
