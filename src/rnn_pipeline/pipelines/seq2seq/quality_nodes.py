"""What a user gets from the trained model, measured: decoded test replies scored
against the references (overlap, diversity), how they read (fluency) and whether
the model reads the prompt at all (relevance). Thin adapters over
``rnn_pipeline.evaluation`` and ``rnn_pipeline.training``.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from rnn_pipeline.evaluation import fluency, relevance
from rnn_pipeline.hints import KerasModel
from rnn_pipeline.pipelines.seq2seq.options import (
    BucketOptions,
    EvaluationOptions,
    reply_length,
)
from rnn_pipeline.pipelines.tracking import scalar_metrics
from rnn_pipeline.text.ngram import NgramLanguageModel
from rnn_pipeline.text.specials import EOS
from rnn_pipeline.text.vocab import PairVocabulary
from rnn_pipeline.training.batching import pad_ids
from rnn_pipeline.training.progress import Progress
from rnn_pipeline.training.scoring import diversity, score_outputs

logger = logging.getLogger(__name__)


def make_sampler(
    options: EvaluationOptions, reply_language_model: NgramLanguageModel | None
):
    """The configured sampler, given the reply language model if it takes one."""
    from rnn_pipeline import samplers

    return samplers.build(
        options.sampler, options.sampler_options, language_model=reply_language_model
    )


def decode_test_set(
    model: KerasModel,
    test_buckets: pd.DataFrame,
    vocab: PairVocabulary,
    evaluation_options: EvaluationOptions,
    reply_language_model: NgramLanguageModel | None = None,
    bucket_choice: BucketOptions | None = None,
) -> pd.DataFrame:
    """Decode the test sources with the configured sampler, in batches: all of
    them, or a seeded sample of ``decode_pairs`` (``decode_seed``), in test order.

    Args:
        reply_language_model: The reply language model; the ``mmi`` sampler
            reranks its candidates with it.
        bucket_choice: The run's buckets: replies are as long as their
            ``reply_length`` where they set it.

    Returns:
        One row per decoded test pair: ``source``, ``reference`` and ``output``
        texts; ``test_pairs`` is the size of the whole test split.
    """
    from rnn_pipeline.models.seq2seq_generator import Seq2SeqGenerator

    options = evaluation_options
    generator = Seq2SeqGenerator(
        model,
        make_sampler(options, reply_language_model),
        reply_length(options, bucket_choice),
    )
    chosen = sample_rows(len(test_buckets), options.decode_pairs, options.decode_seed)
    pairs = test_buckets.iloc[chosen]
    sources = list(pairs["source_ids"])
    logger.info(
        "Decoding %d of %d test pairs (%s)",
        len(sources),
        len(test_buckets),
        options.sampler,
    )
    progress = Progress(len(sources), "decoding test pairs")
    # Decoding sources of similar length together wastes little on padding.
    order = np.argsort([len(s) for s in sources], kind="stable")
    outputs: list[str] = [""] * len(sources)
    for start in range(0, len(order), options.batch_size):
        rows = order[start : start + options.batch_size]
        tokens = generator(pad_ids([sources[i] for i in rows]))
        for row, output in zip(rows, tokens, strict=True):
            outputs[row] = vocab.target.decode(output)
        progress.advance(len(rows))
    progress.done()
    return pd.DataFrame(
        {
            "source": [vocab.source.decode(s) for s in sources],
            "reference": [vocab.target.decode(t) for t in pairs["target_ids"]],
            "output": outputs,
            "test_pairs": len(test_buckets),
        }
    )


def sample_rows(total: int, size: int | None, seed: int) -> np.ndarray:
    """Positions of a seeded sample of ``size`` of ``total`` rows, in order (all
    rows when ``size`` is None or not smaller)."""
    if size is None or size >= total:
        return np.arange(total)
    return np.sort(np.random.default_rng(seed).choice(total, size=size, replace=False))


def score_test_outputs(
    test_outputs: pd.DataFrame, evaluation_options: EvaluationOptions
) -> tuple[dict, dict]:
    """BLEU, chrF, exact match, character accuracy and the diversity of the decoded
    test split (share of the most common reply, distinct-1/2), with the diversity of
    the human references beside it.

    Returns:
        MLflow metrics (``test_bleu``, ...) and a report with a few examples.
    """
    options = evaluation_options
    scores = score_outputs(
        test_outputs["output"].tolist(),
        test_outputs["reference"].tolist(),
        options.bleu_tokenize,
    )
    scores.update(diversity(test_outputs["output"].tolist()))
    scores.update(
        {
            f"reference_{key}": value
            for key, value in diversity(test_outputs["reference"].tolist()).items()
        }
    )
    test_pairs = _test_pairs(test_outputs)
    logger.info(
        "Decoded test split (%s, %d of %d pairs): %s",
        options.sampler,
        len(test_outputs),
        test_pairs,
        scores,
    )
    report = {
        "sampler": options.sampler,
        "pairs": len(test_outputs),
        "test_pairs": test_pairs,
        **scores,
        "examples": test_outputs.head(10).to_dict(orient="records"),
    }
    return scalar_metrics({f"test_{k}": v for k, v in scores.items()}), report


def _test_pairs(test_outputs: pd.DataFrame) -> int:
    """Size of the test split the outputs were sampled from (outputs of older runs
    have no ``test_pairs`` column: all pairs were decoded)."""
    if "test_pairs" in test_outputs and len(test_outputs):
        return int(test_outputs["test_pairs"].iloc[0])
    return len(test_outputs)


def evaluate_fluency(
    test_outputs: pd.DataFrame,
    utterance_count_model: NgramLanguageModel,
    vocab: PairVocabulary,
) -> tuple[dict, dict]:
    """How the decoded test replies read, beside the human answers: the share with
    an immediately doubled character, mean length, share of empty replies, share
    holding two adjacent characters no training utterance has side by side, and
    per-character perplexity under the character model of the training utterances.

    Returns:
        MLflow metrics (``test_doubled_share``, ``test_mean_length``,
        ``test_empty_share``, ``test_unseen_pair_share``,
        ``test_fluency_perplexity`` and each with
        ``test_reference_`` for the human answers) and the report.
    """
    report = {}
    for name, column in (("decoded", "output"), ("reference", "reference")):
        texts = test_outputs[column].fillna("").astype(str).tolist()
        figures = fluency.surface_figures(texts)
        encoded = [vocab.target.encode(text) for text in texts]
        figures["unseen_pair_share"] = fluency.unseen_pair_share(
            encoded, utterance_count_model
        )
        figures["fluency_perplexity"] = utterance_count_model.perplexity(
            [ids + [EOS] for ids in encoded]
        )
        report[name] = figures
    decoded, human = report["decoded"], report["reference"]
    logger.info(
        "Fluency of the decoded test replies (human answers): doubled characters "
        "%.1f%% (%.1f%%), mean length %.1f (%.1f), empty %.1f%% (%.1f%%), "
        "a character pair no training utterance has %.1f%% (%.1f%%), perplexity "
        "under the utterances' %d-gram %.1f (%.1f)",
        100 * decoded["doubled_share"],
        100 * human["doubled_share"],
        decoded["mean_length"],
        human["mean_length"],
        100 * decoded["empty_share"],
        100 * human["empty_share"],
        100 * decoded["unseen_pair_share"],
        100 * human["unseen_pair_share"],
        utterance_count_model.order,
        decoded["fluency_perplexity"],
        human["fluency_perplexity"],
    )
    metrics = {f"test_{k}": v for k, v in report["decoded"].items()}
    metrics.update({f"test_reference_{k}": v for k, v in report["reference"].items()})
    return scalar_metrics(metrics), report


def _matching(
    model: KerasModel,
    prompts: list[list[int]],
    candidates: list[list[int]],
    options: EvaluationOptions,
) -> np.ndarray | None:
    """The reply matcher's cosine of each candidate and its prompt (``candidates``
    holds each prompt's in turn), or None for a model without one."""
    from keras import ops

    if not getattr(model, "matches", False):
        return None
    per_prompt = len(candidates) // len(prompts)
    sources = [prompt for prompt in prompts for _ in range(per_prompt)]
    step = options.batch_size
    return np.concatenate(
        [
            ops.convert_to_numpy(
                model.match(
                    pad_ids(sources[i : i + step]), pad_ids(candidates[i : i + step])
                )
            )
            for i in range(0, len(sources), step)
        ]
    )


def relevance_candidates(
    model: KerasModel, test_buckets: pd.DataFrame, options: EvaluationOptions
) -> tuple[relevance.Ranked, list[np.ndarray], np.ndarray | None] | None:
    """The ranking task of ``evaluate_relevance`` (``relevance_task``) and the
    model's view of every candidate.

    Returns:
        ``(prompts, replies, rows)``, the network's ``p(token | history, prompt)`` of
        each candidate (row by row) and the reply matcher's cosines (None for a
        model without one); None where there are too few distinct replies to rank.
    """
    from rnn_pipeline.training.evaluation import token_probabilities

    task = relevance_task(test_buckets, options)
    if task is None:
        return None
    prompts, replies, rows = task
    candidates = rows.shape[1]
    ranked = [replies[c] for c in rows.ravel()]
    network = token_probabilities(
        model,
        [prompt for prompt in prompts for _ in range(candidates)],
        ranked,
        what="teacher-forced relevance candidates",
    )
    return task, network, _matching(model, prompts, ranked, options)


def relevance_task(
    test_buckets: pd.DataFrame, options: EvaluationOptions
) -> relevance.Ranked | None:
    """Each of ``relevance_pairs`` test pairs (a seeded sample) with its true reply
    first among ``relevance_candidates`` replies of other test pairs: ``(prompts,
    replies, rows)``; None where there are too few distinct replies to rank."""
    replies = [list(t) for t in test_buckets["target_ids"]]
    candidates = min(options.relevance_candidates, len({tuple(r) for r in replies}))
    if options.relevance_pairs == 0 or candidates < 2:
        logger.info("Relevance not measured: %d distinct test replies", candidates)
        return None
    rng = np.random.default_rng(options.relevance_seed)
    size = min(options.relevance_pairs, len(replies))
    chosen = np.sort(rng.choice(len(replies), size=size, replace=False))
    rows = relevance.draw_candidates(
        replies, chosen, candidates, options.relevance_seed
    )
    prompts = [list(test_buckets["source_ids"].iloc[i]) for i in chosen]
    return prompts, replies, rows


def evaluate_relevance(
    model: KerasModel,
    test_buckets: pd.DataFrame,
    train_buckets: pd.DataFrame,
    reply_count_models: dict[int, NgramLanguageModel],
    interpolation_weight_report: dict,
    vocab: PairVocabulary,
    evaluation_options: EvaluationOptions,
) -> tuple[dict, dict]:
    """Does the model read the prompt? Each pair of ``relevance_candidates`` has its
    true reply ranked among replies of other test pairs by each of
    ``relevance.SCORES`` (``rnn_pipeline.evaluation.relevance``); Recall@1 is
    1 / candidates by chance.

    Returns:
        MLflow metrics (``relevance_recall_at_1_<score>``, ``relevance_mrr_<score>``,
        ``relevance_chance``) and the report (with a few ranked examples).
    """
    options = evaluation_options
    task = relevance_candidates(model, test_buckets, options)
    if task is None:
        distinct = len({tuple(r) for r in test_buckets["target_ids"]})
        return {}, {"measured": False, "distinct_test_replies": distinct}
    (prompts, replies, rows), network, matching = task
    size, candidates = rows.shape
    language_model = reply_count_models[options.language_model_order]
    scores = relevance.candidate_scores(
        network,
        (prompts, replies, rows),
        (language_model, reply_count_models[interpolation_weight_report["order"]]),
        interpolation_weight_report["weight"],
        make_sampler(options, language_model),
        matching,
    )
    if vocab.shared:  # prompts and replies in one vocabulary: shared characters
        documents = [*train_buckets["source_ids"], *train_buckets["target_ids"]]
        scores["overlap"] = relevance.tfidf_overlap(
            (prompts, replies, rows), documents, len(vocab.target)
        )
    chance = 1.0 / candidates
    recall = {name: relevance.recall_at_1(s) for name, s in scores.items()}
    mrr = {name: relevance.mean_reciprocal_rank(s) for name, s in scores.items()}
    logger.info(
        "Relevance: the true reply ranked first of %d for %d test pairs (chance "
        "%.1f%%): %s",
        candidates,
        size,
        100 * chance,
        ", ".join(f"{name} {100 * r:.1f}%" for name, r in recall.items()),
    )
    metrics = {f"relevance_recall_at_1_{name}": r for name, r in recall.items()}
    metrics.update({f"relevance_mrr_{name}": r for name, r in mrr.items()})
    metrics["relevance_chance"] = chance
    examples = [
        {
            "prompt": vocab.source.decode(prompts[row]),
            "true_reply": vocab.target.decode(replies[rows[row, 0]]),
            "model_first": vocab.target.decode(
                replies[rows[row, int(np.argmax(scores["model"][row]))]]
            ),
        }
        for row in range(min(5, size))
    ]
    report = {
        "measured": True,
        "pairs": size,
        "candidates": candidates,
        "chance": chance,
        "recall_at_1": recall,
        "mrr": mrr,
        "examples": examples,
    }
    return scalar_metrics(metrics), report
