"""The chatbot: ``.conv`` dialogues -> pairs -> the seq2seq template, namespaced."""

from rnn_pipeline.pipelines.chatbot.pipeline import create_pipeline

__all__ = ["create_pipeline"]
