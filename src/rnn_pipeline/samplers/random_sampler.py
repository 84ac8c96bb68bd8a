"""Sampling from the whole temperature-scaled distribution."""

import keras
from keras import ops

from rnn_pipeline.samplers.sampler import Sampler


class RandomSampler(Sampler):
    """Draws the next token from the full distribution (``temperature`` in YAML)."""

    def get_next_token(self, probabilities):
        return ops.squeeze(
            keras.random.categorical(
                ops.log(probabilities + 1e-12), 1, seed=self._seed_generator
            ),
            axis=-1,
        )
