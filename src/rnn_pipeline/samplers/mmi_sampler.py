"""Beam search reranked by mutual information: replies that answer this prompt.

A seq2seq chatbot trained by maximum likelihood learns that a few replies ("我是",
"我不知道") are likely after almost any prompt, and beam search finds them. Li et al.
(2016, "A Diversity-Promoting Objective Function for Neural Conversation Models")
rerank the beam by ``log p(T|S) - lambda * log p(T)``: the reply's likelihood given
the prompt minus a share of its likelihood under a language model of replies alone,
so a reply wins by fitting this prompt, not by being likely anywhere (MMI-antiLM).
Optional terms reward the characters a candidate shares with the prompt, and the
model's own judgement of how well it fits the prompt (its reply matcher).
"""

from __future__ import annotations

from typing import Protocol

import keras
import numpy as np
from keras import ops

from rnn_pipeline.evaluation.fluency import has_unseen_pair
from rnn_pipeline.samplers.beam_sampler import BeamSampler
from rnn_pipeline.samplers.options import MmiOptions, check
from rnn_pipeline.samplers.sampler import NextFn
from rnn_pipeline.samplers.top_p_sampler import TopPSampler
from rnn_pipeline.text import overlap
from rnn_pipeline.text.specials import EOS, PAD


class ReplyLanguageModel(Protocol):
    """What the reranker needs of a language model: ``log p(T)`` of id sequences,
    ``p(token | context)`` (for doubled characters), whether it saw two tokens
    side by side (for unseen pairs), and ``p(token)`` of every token (to weigh the
    characters shared with the prompt)."""

    def log_probs(self, sequences) -> np.ndarray: ...

    def probability(self, context, token: int) -> float: ...

    def seen_pair(self, first: int, second: int) -> bool: ...

    def unigram_probabilities(self) -> np.ndarray: ...


class MmiSampler(BeamSampler):
    """Beam search whose final choice maximises the MMI-antiLM score.

    Each of the ``num_beams`` finished candidates ``T`` is scored
    ``(log p(T|S) - mmi_weight * log p_lm(T)) / lp(|T|) + overlap_weight *
    cos(S, T)``, with the GNMT length penalty ``lp`` and the cosine of the prompt's
    and the candidate's characters, each weighted by its information
    ``-log p_lm(c)`` (sharing 名字 counts, sharing 的 hardly), plus
    ``matching_weight`` x the cosine the model's reply matcher gives prompt and
    candidate (``Seq2Seq.match``; the generator computes it). A
    candidate that repeats an n-gram of ``no_repeat_ngram`` tokens ("我我我",
    "你你你你") is dropped unless every candidate does, and so is one with an
    immediately doubled character that the language model finds unlikely
    there (below ``doubled_min_probability``: 们们 and 不不错 go, 谢谢 and
    妈妈 stay), and, with ``drop_unseen_pairs``, one holding two adjacent
    characters that never follow each other in the replies the language model was
    fitted on (如果们 and 伤定 go, and so do new names: off in ``conf/real_corpus``,
    where it cost diversity and the human answers hold such pairs more often than
    the decoded ones).
    With ``mmi_weight=0``, ``no_repeat_ngram=0``, ``doubled_min_probability=0`` and
    ``drop_unseen_pairs`` off it chooses exactly as ``BeamSampler``.

    The choice is made outside the compiled search loop (``rerank``), on the beams
    that ``search`` returns, so any Python language model can score them.

    With ``candidates="sample"`` the candidates are ``num_beams`` replies drawn by
    nucleus sampling (``top_p``, ``temperature``) instead of the beam, each scored
    by its log-probability under the model: sample-and-rank (Adiwardana et al. 2020,
    "Towards a Human-like Open-Domain Chatbot"). Beam search returns near-copies of
    the few safest replies; samples differ from each other, so the reranked choice
    is more varied.

    Args:
        language_model: Scores replies without their prompt (e.g. the
            ``NgramLanguageModel`` of the training replies).
        num_beams: Beam width: the number of candidates reranked.
        length_penalty: Exponent of the GNMT length penalty.
        mmi_weight: ``lambda``; 0 is plain beam search, 0.2-0.5 is the usual range.
        no_repeat_ngram: Drop candidates that repeat an n-gram of this many tokens;
            0 turns it off.
        doubled_min_probability: Drop candidates with a character repeated at once
            where ``language_model.probability`` of the repeat is below this; 0
            turns it off.
        drop_unseen_pairs: Drop candidates with a pair of adjacent characters the
            language model never saw.
        candidates: ``beam`` (beam search) or ``sample`` (nucleus samples).
        top_p: The nucleus mass of ``sample`` candidates.
        top_k: The largest nucleus of ``sample`` candidates (0: no limit); 50 keeps
            the per-step sort small (``TopPSampler``).
        overlap_weight: Weight of the shared characters; 0 turns it off.
        matching_weight: Weight of the reply matcher's cosine; 0 turns it off.
        **kwargs: ``temperature`` and ``seed`` of ``Sampler``.
    """

    reranks = True

    def __init__(
        self,
        language_model: ReplyLanguageModel | None = None,
        num_beams: int = MmiOptions.num_beams,
        length_penalty: float = MmiOptions.length_penalty,
        mmi_weight: float = MmiOptions.mmi_weight,
        no_repeat_ngram: int = MmiOptions.no_repeat_ngram,
        doubled_min_probability: float = MmiOptions.doubled_min_probability,
        drop_unseen_pairs: bool = MmiOptions.drop_unseen_pairs,
        candidates: str = MmiOptions.candidates,
        top_p: float = MmiOptions.top_p,
        top_k: int = MmiOptions.top_k,
        overlap_weight: float = MmiOptions.overlap_weight,
        matching_weight: float = MmiOptions.matching_weight,
        **kwargs,
    ) -> None:
        super().__init__(num_beams=num_beams, length_penalty=length_penalty, **kwargs)
        check(
            MmiOptions,
            {
                "mmi_weight": mmi_weight,
                "no_repeat_ngram": no_repeat_ngram,
                "doubled_min_probability": doubled_min_probability,
                "candidates": candidates,
                "overlap_weight": overlap_weight,
                "matching_weight": matching_weight,
            },
        )
        self.candidates = candidates
        self.top_p = top_p
        self.top_k = top_k
        # Validates top_p and top_k; draws the samples at this sampler's temperature.
        self._nucleus = TopPSampler(
            p=top_p, top_k=top_k, temperature=self.temperature, seed=self.seed
        )
        if language_model is None:
            raise ValueError(
                "the mmi sampler needs a language model of the replies "
                "(the pipeline's reply_language_model), got none"
            )
        self.language_model = language_model
        self.mmi_weight = mmi_weight
        self.no_repeat_ngram = no_repeat_ngram
        self.doubled_min_probability = doubled_min_probability
        self.drop_unseen_pairs = drop_unseen_pairs
        self.overlap_weight = overlap_weight
        self.matching_weight = matching_weight
        self._information: np.ndarray | None = None

    def search(
        self,
        next_fn: NextFn,
        start_tokens,
        state,
        max_length: int,
        end_token: int | None = None,
    ):
        """The candidates: the beam, or ``num_beams`` nucleus samples per row.

        Returns:
            As ``BeamSampler.search``: ``sequences (batch, num_beams, max_length)``,
            their log-probabilities under the model, their lengths (end token
            included) and the final state.
        """
        if self.candidates == "beam":
            return super().search(next_fn, start_tokens, state, max_length, end_token)
        n = self.num_beams
        batch = ops.shape(start_tokens)[0]
        state = keras.tree.map_structure(lambda x: ops.repeat(x, n, axis=0), state)
        output, scores, lengths, state = self._nucleus.sample(
            next_fn, ops.repeat(start_tokens, n, axis=0), state, max_length, end_token
        )
        return (
            ops.reshape(output, (batch, n, max_length)),
            ops.reshape(scores, (batch, n)),
            ops.reshape(lengths, (batch, n)),
            state,
        )

    def rerank(
        self, sequences, scores, lengths, sources=None, matching=None
    ) -> np.ndarray:
        """Choose one candidate per row.

        Args:
            sequences: ``(batch, num_beams, max_length)`` token ids from ``search``.
            scores: ``(batch, num_beams)`` summed ``log p(T|S)``.
            lengths: ``(batch, num_beams)`` lengths, end token included.
            sources: ``(batch, source_length)`` the prompts' ids (PAD ignored);
                needed when ``overlap_weight`` is set.
            matching: ``(batch, num_beams)`` the reply matcher's cosines; needed
                when ``matching_weight`` is set.

        Returns:
            ``(batch, max_length)`` the chosen token ids.
        """
        sequences = np.asarray(sequences)
        batch, beams, length = sequences.shape
        replies = [_reply(row) for row in sequences.reshape(batch * beams, length)]
        prompts = None
        if sources is not None:
            prompts = [_reply(row) for row in np.asarray(sources) for _ in range(beams)]
        total = self.score(replies, scores, lengths, prompts, matching)
        faulty = np.array([self._faulty(reply) for reply in replies])
        faulty = faulty.reshape(batch, beams)
        # Keep a row's candidates as they are when all of them are faulty.
        drop = faulty & ~faulty.all(axis=1, keepdims=True)
        total = np.where(drop.reshape(-1), -np.inf, total)
        best = np.argmax(total.reshape(batch, beams), axis=1)
        return sequences[np.arange(batch), best]

    def score(
        self, replies, log_probs, lengths, prompts=None, matching=None
    ) -> np.ndarray:
        """The reranking score of each candidate (before faulty ones are dropped).

        Args:
            replies: Each candidate's ids, without its end token.
            log_probs: Each candidate's summed ``log p(T|S)`` (any shape; flattened).
            lengths: Each candidate's length, end token included.
            prompts: Each candidate's prompt ids; needed when ``overlap_weight``
                is set.
            matching: Each candidate's reply-matcher cosine (any shape;
                flattened); needed when ``matching_weight`` is set.

        Returns:
            ``(len(replies),)`` scores, higher is better.
        """
        total = np.asarray(log_probs, dtype="float64").reshape(-1)
        if self.mmi_weight:
            total = total - self.mmi_weight * self.language_model.log_probs(replies)
        lengths = np.maximum(np.asarray(lengths).reshape(-1), 1)
        total = total / ((5.0 + lengths) / 6.0) ** self.length_penalty
        if self.overlap_weight:
            if prompts is None:
                raise ValueError(
                    "overlap_weight needs the prompts of the candidates, got none"
                )
            weights = self.information()
            # One bag per distinct prompt: its candidates share it.
            bags = {
                p: overlap.weighted_bag(p, weights) for p in set(map(tuple, prompts))
            }
            shared = [
                overlap.cosine(
                    bags[tuple(prompt)], overlap.weighted_bag(reply, weights)
                )
                for prompt, reply in zip(prompts, replies, strict=True)
            ]
            total = total + self.overlap_weight * np.asarray(shared)
        if self.matching_weight:
            if matching is None:
                raise ValueError(
                    "matching_weight needs the reply matcher's scores of the "
                    "candidates, got none"
                )
            total = total + self.matching_weight * np.asarray(
                matching, dtype="float64"
            ).reshape(-1)
        return total

    def information(self) -> np.ndarray:
        """``-log p_lm(token)`` of every token id (computed once)."""
        if self._information is None:
            self._information = overlap.information(
                self.language_model.unigram_probabilities()
            )
        return self._information

    def _faulty(self, ids: list[int]) -> bool:
        """Whether a candidate repeats an n-gram, doubles a character where the
        language model does not expect it or (``drop_unseen_pairs``) puts side by
        side two characters it never saw together."""
        if self.no_repeat_ngram and _repeats_ngram(ids, self.no_repeat_ngram):
            return True
        if self.drop_unseen_pairs and has_unseen_pair(ids, self.language_model):
            return True
        if not self.doubled_min_probability:
            return False
        return any(
            ids[i] == ids[i - 1]
            and self.language_model.probability(ids[:i], ids[i])
            < self.doubled_min_probability
            for i in range(1, len(ids))
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "mmi_weight": self.mmi_weight,
            "no_repeat_ngram": self.no_repeat_ngram,
            "doubled_min_probability": self.doubled_min_probability,
            "drop_unseen_pairs": self.drop_unseen_pairs,
            "candidates": self.candidates,
            "top_p": self.top_p,
            "top_k": self.top_k,
            "overlap_weight": self.overlap_weight,
            "matching_weight": self.matching_weight,
        }


def _reply(row: np.ndarray) -> list[int]:
    """The ids of one candidate up to (not including) its end token."""
    ids: list[int] = []
    for token in row.tolist():
        if token == EOS:
            break
        if token != PAD:
            ids.append(token)
    return ids


def _repeats_ngram(ids: list[int], n: int) -> bool:
    """Whether some n-gram occurs twice in ``ids``."""
    seen = set()
    for i in range(len(ids) - n + 1):
        gram = tuple(ids[i : i + n])
        if gram in seen:
            return True
        seen.add(gram)
    return False
