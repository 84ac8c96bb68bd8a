"""The char-RNN language model: one template pipeline, one namespace per corpus."""

from rnn_pipeline.pipelines.char_rnn.pipeline import create_pipeline

# The corpora it runs on; each has a package of that name under pipelines/.
NAMESPACES = ("poetry", "shakespeare", "code")

__all__ = ["NAMESPACES", "create_pipeline"]
