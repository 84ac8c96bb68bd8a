"""Beam search with a length penalty."""

from __future__ import annotations

import keras
from keras import ops

from rnn_pipeline.samplers.options import BeamOptions, check
from rnn_pipeline.samplers.sampler import NextFn, Sampler


class BeamSampler(Sampler):
    """Keeps the ``num_beams`` most probable prefixes and returns the best sequence.

    Beams are ranked by summed log-probability while searching; finished beams keep
    their score. The final choice divides each beam's log-probability by the GNMT
    length penalty ``((5 + length) / 6) ** length_penalty``, so ``0`` prefers the
    most probable sequence and larger values favour longer ones.

    The model state is carried for ``batch * num_beams`` rows and reordered after
    each step, so ``next_fn``'s state must be a nest of batch-major tensors.

    Args:
        num_beams: Beam width.
        length_penalty: Exponent ``alpha`` of the length penalty.
        **kwargs: ``temperature`` of ``Sampler``.
    """

    def __init__(
        self,
        num_beams: int = BeamOptions.num_beams,
        length_penalty: float = BeamOptions.length_penalty,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check(BeamOptions, {"num_beams": num_beams, "length_penalty": length_penalty})
        self.num_beams = num_beams
        self.length_penalty = length_penalty

    def __call__(
        self,
        next_fn: NextFn,
        start_tokens,
        state,
        max_length: int,
        end_token: int | None = None,
    ):
        sequences, scores, lengths, state = self.search(
            next_fn, start_tokens, state, max_length, end_token
        )
        best = ops.argmax(scores / self.length_penalties(lengths), axis=1)
        output = ops.take_along_axis(
            sequences, ops.reshape(ops.cast(best, "int32"), (-1, 1, 1)), axis=1
        )[:, 0, :]
        return output, state

    def length_penalties(self, lengths):
        """GNMT length penalty ``((5 + length) / 6) ** length_penalty`` per beam."""
        return ops.power(
            (5.0 + ops.cast(ops.maximum(lengths, 1), "float32")) / 6.0,
            self.length_penalty,
        )

    def search(
        self,
        next_fn: NextFn,
        start_tokens,
        state,
        max_length: int,
        end_token: int | None = None,
    ):
        """Run the beam search and keep every beam.

        Returns:
            ``sequences (batch, num_beams, max_length)``, their summed
            log-probabilities ``(batch, num_beams)``, their lengths (end token
            included) and the final state.
        """
        k = self.num_beams
        start_tokens = ops.cast(start_tokens, "int32")
        batch = ops.shape(start_tokens)[0]
        expand = lambda x: ops.repeat(x, k, axis=0)  # noqa: E731
        state = keras.tree.map_structure(expand, state)
        tokens = expand(start_tokens)
        # Only the first beam is live at the start, so the first step does not pick
        # the same token k times.
        first = ops.concatenate([ops.zeros((1, 1)), ops.full((1, k - 1), -1e9)], 1)
        scores = ops.repeat(first, batch, axis=0)
        sequences = ops.zeros((batch, k, max_length), dtype="int32")
        finished = ops.zeros((batch, k), dtype="bool")
        lengths = ops.zeros((batch, k), dtype="int32")
        rows = ops.expand_dims(ops.arange(batch, dtype="int32") * k, 1)

        def cond(i, tokens, state, scores, sequences, finished, lengths):
            return ops.logical_and(i < max_length, ops.logical_not(ops.all(finished)))

        def body(i, tokens, state, scores, sequences, finished, lengths):
            logits, state = next_fn(tokens, state)
            log_probs = ops.log_softmax(
                ops.cast(logits, "float32") / self.temperature, axis=-1
            )
            vocabulary = ops.shape(log_probs)[-1]
            log_probs = ops.reshape(log_probs, (batch, k, vocabulary))
            if end_token is not None:
                # A finished beam can only repeat the end token, at no cost.
                stay = ops.where(ops.arange(vocabulary) == end_token, 0.0, -1e9)
                log_probs = ops.where(finished[..., None], stay, log_probs)
            candidates = ops.reshape(scores[..., None] + log_probs, (batch, -1))
            scores, flat = ops.top_k(candidates, k=k, sorted=True)
            parent = ops.cast(flat // vocabulary, "int32")
            chosen = ops.cast(flat % vocabulary, "int32")
            gather = ops.reshape(rows + parent, (-1,))
            state = keras.tree.map_structure(
                lambda x: ops.take(x, gather, axis=0), state
            )
            sequences = ops.take_along_axis(sequences, parent[..., None], axis=1)
            sequences = ops.slice_update(
                sequences, (0, 0, i), ops.expand_dims(chosen, -1)
            )
            was_finished = ops.take_along_axis(finished, parent, axis=1)
            lengths = ops.take_along_axis(lengths, parent, axis=1) + ops.cast(
                ops.logical_not(was_finished), "int32"
            )
            finished = was_finished
            if end_token is not None:
                finished = ops.logical_or(finished, ops.equal(chosen, end_token))
            return (
                i + 1,
                ops.reshape(chosen, (-1,)),
                state,
                scores,
                sequences,
                finished,
                lengths,
            )

        loop_vars = (
            ops.convert_to_tensor(0),
            tokens,
            state,
            scores,
            sequences,
            finished,
            lengths,
        )
        _, _, state, scores, sequences, _, lengths = ops.while_loop(
            cond, body, loop_vars
        )
        return sequences, scores, lengths, state

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_beams": self.num_beams,
            "length_penalty": self.length_penalty,
        }
