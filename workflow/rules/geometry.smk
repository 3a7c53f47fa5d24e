# The provincial polygons (step module aicoord.steps.geometry).


rule province_geometry:
    output:
        GEOMETRY,
    params:
        level=LEVEL,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/province_geometry.log",
    script:
        "../../scripts/province_geometry.py"
