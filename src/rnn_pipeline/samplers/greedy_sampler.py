"""Greedy decoding: always the most probable token."""

from keras import ops

from rnn_pipeline.samplers.sampler import Sampler


class GreedySampler(Sampler):
    """Picks the argmax; temperature does not change the choice."""

    def get_next_token(self, probabilities):
        return ops.argmax(probabilities, axis=-1)
