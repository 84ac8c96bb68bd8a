"""Which reply matcher ranks the true reply first? Matcher encoders compared alone.

The chatbot's ranking matcher (``model_options.matching_fit: both``) reads prompt and
reply by their characters and is fitted after the network, sharing no weight with
it: it can be compared without training a network. This script runs the chatbot
pipeline's data nodes on a ``.conv`` corpus (split by conversation, vocabulary,
buckets, validation pairs, as ``chatbot_quality.py`` does), fits one separate matcher
per encoder (``ReplyMatcher(encoder=...)``) with the pipeline's own matcher fit
(``fit_matcher``: its time budget, early stopping on the validation pairs), and ranks
the pipeline's relevance task on the test split (the same seeded pairs and
candidates as ``evaluate_relevance``) by

- the matcher's cosine alone,
- the matcher's cosine plus the TF-IDF overlap with the prompt (equal weights, as the
  decoding's ``overlap_weight`` and ``matching_weight`` in ``conf/real_corpus``),
- and, once, the TF-IDF overlap alone (the floor),

writing Recall@1 and MRR, the fit's epochs and seconds, to JSON:

    python benchmarks/matcher_variants.py ../shared/data/chat/lost.conv \\
        --params conf/real_corpus/parameters_chatbot.yml \\
        --out benchmarks/results/matcher_variants.json

The fits run one after another on a time budget: give the script the machine to
itself. Not a test: figures depend on the machine; report them with its load.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path

from machine import machine

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

from rnn_pipeline import quiet  # noqa: E402

quiet.install()

import numpy as np  # noqa: E402
from chatbot_quality import NAMESPACE, Benchmark, load_parameters  # noqa: E402

from rnn_pipeline.evaluation import relevance  # noqa: E402
from rnn_pipeline.models.reply_matcher import ENCODERS  # noqa: E402
from rnn_pipeline.pipelines.seq2seq.quality_nodes import relevance_task  # noqa: E402
from rnn_pipeline.training.batching import frame_to_arrays, pad_ids  # noqa: E402
from rnn_pipeline.training.matcher_fit import fit_matcher  # noqa: E402

logger = logging.getLogger("matcher_variants")


def cosines(matcher, prompts, replies, rows, batch: int = 512) -> np.ndarray:
    """``rows``-shaped cosines of each prompt and each of its candidates."""
    from keras import ops

    sources = [p for p in prompts for _ in range(rows.shape[1])]
    targets = [replies[c] for c in rows.ravel()]
    parts = [
        ops.convert_to_numpy(
            matcher.similarity(
                None, pad_ids(sources[i : i + batch]), pad_ids(targets[i : i + batch])
            )
        )
        for i in range(0, len(sources), batch)
    ]
    return np.concatenate(parts).reshape(rows.shape)


def ranked_by(scores: np.ndarray) -> dict:
    return {
        "recall_at_1": round(relevance.recall_at_1(scores), 4),
        "mrr": round(relevance.mean_reciprocal_rank(scores), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="a .conv dialogue corpus")
    parser.add_argument("--params", type=Path, nargs="*", default=[])
    parser.add_argument("--encoders", nargs="+", choices=ENCODERS, default=ENCODERS)
    parser.add_argument(
        "--minutes", type=float, help="each fit's budget (default: the parameters')"
    )
    parser.add_argument("--checkpoints", type=Path, default=Path("/tmp/mv_ckpt"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if not args.corpus.is_file():
        parser.error(f"expected a .conv corpus file, got {args.corpus}")

    load_before = os.getloadavg()
    params = load_parameters(args.params, [])
    bench = Benchmark(args.corpus, params, args.checkpoints)
    bench.run_to(
        "data", "fit_buckets", "validation_buckets", "test_buckets", "train_buckets"
    )
    vocab = bench.load("vocab")
    if not vocab.shared:
        parser.error("expected one vocabulary for prompts and replies (shared: true)")
    lengths = bench.load("bucket_choice")
    train, validation = (
        frame_to_arrays(
            bench.load(name), lengths.max_source_len, lengths.max_target_len
        )[:2]
        for name in ("fit_buckets", "validation_buckets")
    )
    group = f"params:{NAMESPACE}"
    model_options = bench.catalog.load(f"{group}.model_options")
    training = bench.catalog.load(f"{group}.training_options")
    evaluation = bench.catalog.load(f"{group}.evaluation_options")
    fit_options = training.matcher_fit_options()
    if args.minutes is not None:
        import dataclasses

        fit_options = dataclasses.replace(fit_options, minutes=args.minutes)
    task = relevance_task(bench.load("test_buckets"), evaluation)
    if task is None:
        parser.error("too few distinct test replies to rank")
    prompts, replies, rows = task
    train_buckets = bench.load("train_buckets")
    documents = [*train_buckets["source_ids"], *train_buckets["target_ids"]]
    floor = relevance.tfidf_overlap(task, documents, len(vocab.target))

    variants = {}
    for encoder in args.encoders:
        config = {
            "name": "ranker",
            "vocabulary_size": len(vocab.target),
            "embedding_dim": model_options.embedding_dim,
            "units": model_options.units,
            "prompt_bag": True,
            "separate": True,
            "dropout": model_options.matching_dropout,
            "encoder": encoder,
        }
        started = time.perf_counter()
        fitted, history = fit_matcher(
            config, train, validation, training.trainer_options(), fit_options
        )
        seconds = round(time.perf_counter() - started, 1)
        matched = cosines(fitted.matcher, prompts, replies, rows)
        losses = history.get("val_loss", [])
        variants[encoder] = {
            "fit_seconds": seconds,
            "epochs": len(history.get("loss", [])),
            "best_epoch": int(np.argmin(losses)) + 1 if losses else None,
            "val_loss_best": round(float(min(losses)), 4) if losses else None,
            "weights": int(fitted.matcher.count_params()),
            "matcher": ranked_by(matched),
            "matcher_plus_overlap": ranked_by(matched + floor),
        }
        logger.info("%s: %s", encoder, variants[encoder])
    result = {
        "corpus": str(args.corpus),
        "machine": machine(),
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
        "pairs": {"fit": len(train[0]), "validation": len(validation[0])},
        "relevance_pairs": int(rows.shape[0]),
        "candidates": int(rows.shape[1]),
        "fit": {
            "minutes": fit_options.minutes,
            "batch_size": fit_options.batch_size,
            "patience": fit_options.patience,
        },
        "overlap_floor": ranked_by(floor),
        "variants": variants,
    }
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    logger.info("%s", text)


if __name__ == "__main__":
    main()
