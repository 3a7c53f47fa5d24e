# The provincial polygons (step module aicoord.steps.geometry).


rule province_geometry:
    output:
        out_gpkg=GEOMETRY,
    log:
        "logs/province_geometry.log",
    resources:
        mem_mb=3000,
        runtime=20,
    params:
        step="aicoord.steps.geometry.province_geometry",
        level=LEVEL,
    script:
        "../../scripts/step.py"
