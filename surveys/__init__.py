"""Survey definitions and responses: their models and services.

This package also owns the data layer's foundation (:mod:`surveys.orm`), because the
web application depends on it and never the reverse.
"""
