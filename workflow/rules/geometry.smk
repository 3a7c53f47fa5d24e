# The provincial polygons (step module aicoord.steps.geometry).


rule province_geometry:
    output:
        out_gpkg=GEOMETRY,
    params:
        step="aicoord.steps.geometry.province_geometry",
        level=LEVEL,
    resources:
        mem_mb=3000,
        runtime=20,
    log:
        "logs/province_geometry.log",
    script:
        "../../scripts/step.py"
