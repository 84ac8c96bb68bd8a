"""Which MMI reranking weights rank the true reply first? A grid on a kept model.

MMI decoding chooses among its candidates by ``MmiSampler.score``: the network's
``log p(reply | prompt)`` minus ``mmi_weight`` x the reply model's ``log p(reply)``,
length-normalised, plus ``overlap_weight`` x the characters shared with the prompt
and ``matching_weight`` x the reply matcher's cosine. Issue 25 asks that this score
rank the true reply first of 10 for at least 30% of the pairs. This script takes a
model saved by ``chatbot_quality.py --keep``, builds the pipeline's relevance task
(``quality_nodes.relevance_candidates``: the same seeded pairs and candidates) on the
validation split (the held-out training pairs, so the test split is not used to
choose), runs the network and the matcher over the candidates once, and then ranks
them by the sampler's own score for every combination of the weights given, writing
Recall@1 and MRR of each, best first, to JSON:

    python benchmarks/reranker_weights.py ../shared/data/chat/lost.conv \\
        --reuse /tmp/keep --out benchmarks/results/reranker_weights.json

Not a test: figures depend on the model; report them with the run that trained it.
"""

from __future__ import annotations

import argparse
import itertools
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
from chatbot_quality import NAMESPACE, Benchmark  # noqa: E402

from rnn_pipeline import samplers  # noqa: E402
from rnn_pipeline.evaluation import relevance  # noqa: E402
from rnn_pipeline.pipelines.seq2seq.quality_nodes import (  # noqa: E402
    relevance_candidates,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="the .conv file the model saw")
    parser.add_argument(
        "--reuse",
        type=Path,
        required=True,
        help="a folder chatbot_quality --keep wrote",
    )
    parser.add_argument("--split", choices=["validation", "test"], default="validation")
    parser.add_argument(
        "--mmi-weights", type=float, nargs="+", default=[0, 0.5, 0.75, 1]
    )
    parser.add_argument(
        "--overlap-weights", type=float, nargs="+", default=[0, 2, 4, 8, 16, 32]
    )
    parser.add_argument(
        "--matching-weights", type=float, nargs="+", default=[0, 2, 4, 8, 16, 32]
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if not (args.reuse / "parameters.json").is_file():
        parser.error(
            f"expected a folder chatbot_quality --keep wrote, got {args.reuse}"
        )

    started = time.perf_counter()
    params = json.loads((args.reuse / "parameters.json").read_text())
    bench = Benchmark(args.corpus, params, Path("/tmp/reranker_weights_checkpoints"))
    bench.reuse(args.reuse)
    bench.run_to("baselines", "reply_language_model")
    options = bench.catalog.load(f"params:{NAMESPACE}.evaluation_options")
    model = bench.load("model")
    buckets = bench.load(
        "validation_buckets" if args.split == "validation" else "test_buckets"
    )
    task = relevance_candidates(model, buckets, options)
    if task is None:
        parser.error(f"too few distinct replies on the {args.split} split to rank")
    ranked, network, matching = task
    rows = ranked[2]
    language_model = bench.load("reply_language_model")
    configured = dict(options.sampler_options)
    matching_weights = args.matching_weights if matching is not None else [0.0]
    grid = []
    for mmi, shared, matched in itertools.product(
        args.mmi_weights, args.overlap_weights, matching_weights
    ):
        sampler = samplers.build(
            "mmi",
            {
                **configured,
                "mmi_weight": mmi,
                "overlap_weight": shared,
                "matching_weight": matched,
            },
            language_model=language_model,
        )
        scores = relevance.reranker_scores(sampler, network, ranked, matching)
        grid.append(
            {
                "mmi_weight": mmi,
                "overlap_weight": shared,
                "matching_weight": matched,
                "recall_at_1": round(relevance.recall_at_1(scores), 4),
                "mrr": round(relevance.mean_reciprocal_rank(scores), 4),
            }
        )
    grid.sort(key=lambda row: (-row["recall_at_1"], -row["mrr"]))
    alone = {"model": np.reshape([np.mean(np.log(p)) for p in network], rows.shape)}
    if matching is not None:
        alone["matching"] = np.reshape(matching, rows.shape)
    result = {
        "corpus": str(args.corpus),
        "reused": str(args.reuse),
        "machine": machine(),
        "split": args.split,
        "pairs": int(rows.shape[0]),
        "candidates": int(rows.shape[1]),
        "configured": {
            k: configured.get(k)
            for k in (
                "mmi_weight",
                "overlap_weight",
                "matching_weight",
                "length_penalty",
            )
        },
        "recall_at_1_alone": {
            k: round(relevance.recall_at_1(v), 4) for k, v in alone.items()
        },
        "best": grid[0],
        "grid": grid,
        "seconds": round(time.perf_counter() - started, 1),
    }
    logging.info(
        "best of %d combinations: %s; the model alone %s",
        len(grid),
        grid[0],
        result["recall_at_1_alone"],
    )
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
