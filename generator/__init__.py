"""Career handbook generator: structured YAML guidance in, a Material for MkDocs handbook out.

The pipeline is ``load → validate → render → write`` (one module each), chained in :mod:`generator.pipeline`.
"""
