"""Skip-gram word2vec scored against sampled negatives."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="rnn_pipeline")
class SkipGram(keras.Model):
    """Scores (word, candidate context) pairs by the dot product of two embeddings.

    Trained with negative sampling: for each observed (word, context) pair the
    candidates are the true context followed by words drawn from the noise
    distribution, and the logits are read with a sigmoid (1 for the true context,
    0 for the noise words). The word embedding is the one kept afterwards.

    Args:
        vocabulary_size: Number of words.
        embedding_dim: Size of each embedding.

    Call args:
        inputs: ``(words, candidates)``: ``(batch,)`` and ``(batch, candidates)``
            int ids.

    Returns:
        Logits ``(batch, candidates)``.
    """

    def __init__(self, vocabulary_size: int, embedding_dim: int = 128, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary_size = vocabulary_size
        self.embedding_dim = embedding_dim
        uniform = keras.initializers.RandomUniform(
            -0.5 / embedding_dim, 0.5 / embedding_dim
        )
        self.word_embedding = keras.layers.Embedding(
            vocabulary_size,
            embedding_dim,
            embeddings_initializer=uniform,
            name="word_embedding",
        )
        # Context vectors start at zero, as in word2vec.
        self.context_embedding = keras.layers.Embedding(
            vocabulary_size,
            embedding_dim,
            embeddings_initializer="zeros",
            name="context_embedding",
        )

    def call(self, inputs):
        words, candidates = inputs
        word_vectors = self.word_embedding(words)
        context_vectors = self.context_embedding(candidates)
        return ops.einsum("be,bce->bc", word_vectors, context_vectors)

    def word_vectors(self):
        """The learned word embeddings ``(vocabulary_size, embedding_dim)``."""
        return ops.convert_to_numpy(self.word_embedding.embeddings)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            vocabulary_size=self.vocabulary_size, embedding_dim=self.embedding_dim
        )
        return config
