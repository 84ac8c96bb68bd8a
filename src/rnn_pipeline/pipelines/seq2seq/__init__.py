"""The seq2seq pipeline template: split -> vocab -> vectorize -> bucket -> train ->
evaluate. The chatbot instantiates it under its namespace after its own ingest."""

from rnn_pipeline.pipelines.seq2seq.pipeline import create_pipeline

__all__ = ["create_pipeline"]
