"""The base sampler: a token-by-token loop over a model's ``next`` function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
from keras import ops

from rnn_pipeline.samplers.options import SamplerOptions, check

NextFn = Callable[[Any, Any], tuple[Any, Any]]


class Sampler:
    """Runs ``next`` until every sequence has produced ``end_token`` or the limit.

    The loop is ``keras.ops.while_loop``, so it compiles into one graph when the
    caller wraps it (``tf.function``, ``jax.jit``) and carries the recurrent state
    instead of re-feeding the prefix.

    Args:
        temperature: Logits are divided by it before the next token is chosen.
        seed: Seed of the random choices of stochastic samplers.
    """

    def __init__(
        self,
        temperature: float = SamplerOptions.temperature,
        seed: int | None = SamplerOptions.seed,
    ) -> None:
        check(SamplerOptions, {"temperature": temperature})
        self.temperature = temperature
        self.seed = seed
        self._seed_generator = keras.random.SeedGenerator(seed)

    def __call__(
        self,
        next_fn: NextFn,
        start_tokens,
        state,
        max_length: int,
        end_token: int | None = None,
    ):
        """Generate ``max_length`` tokens per sequence.

        Args:
            next_fn: ``(tokens (batch,), state) -> (logits (batch, vocab), state)``.
            start_tokens: ``(batch,)`` int tokens fed first (GO, or the last prompt
                character).
            state: Whatever ``next_fn`` carries (nested tensors).
            max_length: Number of tokens to generate.
            end_token: Once a sequence emits it, the rest of it is ``end_token``;
                the loop stops early when all sequences have.

        Returns:
            ``(batch, max_length)`` int32 tokens and the final state.
        """
        output, _, _, state = self.sample(
            next_fn, start_tokens, state, max_length, end_token, with_scores=False
        )
        return output, state

    def sample(
        self,
        next_fn: NextFn,
        start_tokens,
        state,
        max_length: int,
        end_token: int | None = None,
        with_scores: bool = True,
    ):
        """The loop of ``__call__``, also giving each row's log-probability.

        Args:
            next_fn, start_tokens, state, max_length, end_token: As ``__call__``.
            with_scores: Sum each row's log-probability of its chosen tokens under
                the model (``log_softmax`` of the logits, before the temperature)
                and count its tokens up to and including ``end_token``; without,
                both are zeros and the loop does no extra work.

        Returns:
            ``(batch, max_length)`` int32 tokens, ``(batch,)`` float32 summed
            log-probabilities, ``(batch,)`` int32 lengths and the final state.
        """
        start_tokens = ops.cast(start_tokens, "int32")
        batch = ops.shape(start_tokens)[0]
        output = ops.zeros((batch, max_length), dtype="int32")
        done = ops.zeros((batch,), dtype="bool")
        scores = ops.zeros((batch,), dtype="float32")
        lengths = ops.zeros((batch,), dtype="int32")

        def cond(i, tokens, state, output, done, scores, lengths):
            return ops.logical_and(i < max_length, ops.logical_not(ops.all(done)))

        def body(i, tokens, state, output, done, scores, lengths):
            logits, state = next_fn(tokens, state)
            logits = ops.cast(logits, "float32")
            probabilities = ops.softmax(logits / self.temperature, axis=-1)
            chosen = ops.cast(self.get_next_token(probabilities), "int32")
            if end_token is not None:
                chosen = ops.where(done, end_token, chosen)
            if with_scores:
                live = ops.logical_not(done)
                picked = ops.take_along_axis(
                    ops.log_softmax(logits, axis=-1),
                    ops.expand_dims(chosen, 1),
                    axis=1,
                )[:, 0]
                scores = scores + ops.where(live, picked, 0.0)
                lengths = lengths + ops.cast(live, "int32")
            if end_token is not None:
                done = ops.logical_or(done, ops.equal(chosen, end_token))
            output = ops.slice_update(output, (0, i), ops.expand_dims(chosen, 1))
            return i + 1, chosen, state, output, done, scores, lengths

        loop_vars = (ops.convert_to_tensor(0), start_tokens, state, output, done)
        loop_vars += (scores, lengths)
        _, _, state, output, _, scores, lengths = ops.while_loop(cond, body, loop_vars)
        # Positions after an early stop stay 0 (PAD), which decoding skips.
        return output, scores, lengths, state

    def get_next_token(self, probabilities):
        """Choose one token per row of ``probabilities`` ``(batch, vocab)``."""
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"temperature": self.temperature, "seed": self.seed}
