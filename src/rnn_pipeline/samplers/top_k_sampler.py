"""Top-k sampling: draw among the k most probable tokens (the seed's top-n)."""

import keras
from keras import ops

from rnn_pipeline.samplers.options import TopKOptions, check
from rnn_pipeline.samplers.sampler import Sampler


class TopKSampler(Sampler):
    """Keeps the ``k`` most probable tokens and draws among them.

    Args:
        k: How many candidates to keep.
        **kwargs: ``temperature`` and ``seed`` of ``Sampler``.
    """

    def __init__(self, k: int = TopKOptions.k, **kwargs) -> None:
        super().__init__(**kwargs)
        check(TopKOptions, {"k": k})
        self.k = k

    def get_next_token(self, probabilities):
        k = min(self.k, probabilities.shape[-1] or self.k)
        top_probabilities, top_indices = ops.top_k(probabilities, k=k, sorted=False)
        choice = keras.random.categorical(
            ops.log(top_probabilities + 1e-12), 1, seed=self._seed_generator
        )
        return ops.squeeze(ops.take_along_axis(top_indices, choice, axis=-1), -1)

    def get_config(self) -> dict:
        return {**super().get_config(), "k": self.k}
