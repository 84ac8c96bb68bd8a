"""Text processing: corpus readers, cleaning, splitting, vocabularies and buckets.

Nothing in this package knows about Kedro; the pipelines call it.
"""
