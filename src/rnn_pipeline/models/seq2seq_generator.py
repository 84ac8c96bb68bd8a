"""Compiled batch decoding for ``Seq2Seq`` models with any sampler."""

from __future__ import annotations

import numpy as np
from keras import ops

from rnn_pipeline.backend import compile_function
from rnn_pipeline.models.seq2seq import Seq2Seq
from rnn_pipeline.samplers import Sampler
from rnn_pipeline.text.specials import EOS, GO


class Seq2SeqGenerator:
    """Encodes a batch of sources once and decodes it with ``sampler``.

    The whole loop is one compiled function carrying the recurrent state; it is never
    ``model.predict`` per token.

    Args:
        model: A trained ``Seq2Seq``.
        sampler: Chooses each next token.
        max_length: Most tokens generated per reply (EOS included).
        stop_at_eos: End a reply at EOS (benchmarks turn it off to time full-length
            replies).
        jit_compile: Compile the loop with XLA (TensorFlow; JAX always does). It
            halves the time of a reply on CPU; sources are then padded to a
            multiple of ``LENGTH_MULTIPLE`` so a handful of shapes is compiled.
    """

    LENGTH_MULTIPLE = 16

    def __init__(
        self,
        model: Seq2Seq,
        sampler: Sampler,
        max_length: int,
        stop_at_eos: bool = True,
        jit_compile: bool = True,
    ) -> None:
        if max_length < 1:
            raise ValueError(f"max_length must be >= 1, got {max_length}")
        self.model = model
        self.sampler = sampler
        self.max_length = max_length
        self.end_token = EOS if stop_at_eos else None
        self.jit_compile = jit_compile
        # A reranking sampler (MMI) chooses among the beams outside the graph.
        self.reranks = bool(getattr(sampler, "reranks", False))
        # ... and may weigh how well the model's reply matcher finds each fits.
        self.matching = self.reranks and bool(getattr(sampler, "matching_weight", 0))
        if self.matching and not model.matches:
            raise ValueError(
                "matching_weight needs a model trained with "
                "model_options.matching_weight > 0, got one without a reply matcher"
            )
        self._generate = compile_function(
            self._search_beams if self.reranks else self._generate_tokens, jit_compile
        )

    def _search_beams(self, source_tokens):
        state = self.model.encode(source_tokens)
        start = ops.full((ops.shape(source_tokens)[0],), GO, dtype="int32")
        sequences, scores, lengths, _ = self.sampler.search(
            self.model.next, start, state, self.max_length, end_token=self.end_token
        )
        if not self.matching:
            return sequences, scores, lengths
        matcher = self.model.ranking_matcher
        prompts = matcher.prompt_vectors(state["encoder_outputs"], source_tokens)
        batch, beams, length = ops.shape(sequences)
        replies = matcher.reply_vectors(ops.reshape(sequences, (batch * beams, length)))
        replies = ops.reshape(replies, (batch, beams, -1))
        return sequences, scores, lengths, ops.sum(prompts[:, None] * replies, -1)

    def _generate_tokens(self, source_tokens):
        state = self.model.encode(source_tokens)
        start = ops.full((ops.shape(source_tokens)[0],), GO, dtype="int32")
        tokens, _ = self.sampler(
            self.model.next, start, state, self.max_length, end_token=self.end_token
        )
        return tokens

    def __call__(self, source_tokens: np.ndarray) -> np.ndarray:
        """Decode ``(batch, source_len)`` int ids into ``(batch, max_length)`` ids."""
        source_tokens = np.asarray(source_tokens, dtype="int32")
        if source_tokens.ndim != 2 or source_tokens.shape[1] == 0:
            raise ValueError(
                "expected source ids of shape (batch, length>0), "
                f"got {source_tokens.shape}"
            )
        if self.jit_compile:
            # PAD is masked, so padding changes no output, only the compiled shape.
            extra = -source_tokens.shape[1] % self.LENGTH_MULTIPLE
            source_tokens = np.pad(source_tokens, ((0, 0), (0, extra)))
        if self.reranks:
            beams = [ops.convert_to_numpy(x) for x in self._generate(source_tokens)]
            matching = beams.pop() if self.matching else None
            return np.asarray(
                self.sampler.rerank(*beams, sources=source_tokens, matching=matching)
            )
        return np.asarray(ops.convert_to_numpy(self._generate(source_tokens)))
