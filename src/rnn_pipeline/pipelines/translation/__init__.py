"""Translation: TSV sentence pairs -> the seq2seq template, namespaced."""

from rnn_pipeline.pipelines.translation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
