"""Skip-gram word2vec with negative sampling on a real English text, with nearest
neighbours of a few words and a t-SNE map of the most frequent ones."""

from rnn_pipeline.pipelines.embeddings.pipeline import create_pipeline

__all__ = ["create_pipeline"]
