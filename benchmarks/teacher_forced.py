"""Time of the evaluation's teacher-forced passes: one compiled function per model
traced once for every shape, against a new one per pass traced per shape (before:
TensorFlow warned of retracing).

The evaluation runs three passes over held-out pairs with one model: the bucket
losses, the interpolation's per-token probabilities on the validation pairs and on
the test pairs. This builds the real-corpus chatbot model (``conf/real_corpus``'s
model options, untrained: the time does not depend on the weights) and runs the
three passes on ``--pairs`` random pairs with lengths uniform within the largest
bucket, twice: with a new function per pass traced per shape (as before) and with
the evaluation's own function (one per model, one trace).
Writes JSON with seconds, traces, the ratio and the CPU and load average.

    python benchmarks/teacher_forced.py --pairs 6000 \\
        --out benchmarks/results/teacher_forced.json

Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from machine import machine

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from rnn_pipeline import quiet  # noqa: E402

quiet.install()  # TensorFlow's start-up noise kept out of the benchmark's output

import numpy as np  # noqa: E402
import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def old_teacher_forced(model, measure):
    """The function as it was before: made anew at every pass, traced per shape."""
    from rnn_pipeline.backend import compile_function

    def measured(source, decoder_tokens, target):
        return measure(target, model([source, decoder_tokens], training=False))

    function = compile_function(measured)
    OLD_FUNCTIONS.append(function)
    return function


OLD_FUNCTIONS: list = []


def run_passes(model, pairs, before: bool, batch_size: int) -> dict:
    """The three passes; returns seconds and traces."""
    from rnn_pipeline.training import evaluation
    from rnn_pipeline.training.batching import pad_ids

    sources, targets = pairs
    third = len(sources) // 3
    evaluation._COMPILED.clear()
    OLD_FUNCTIONS.clear()
    current = evaluation._teacher_forced
    if before:
        evaluation._teacher_forced = old_teacher_forced
    start = time.perf_counter()
    try:
        for index, part in enumerate(
            (slice(0, third), slice(third, 2 * third), slice(2 * third, None))
        ):
            if index == 0:
                bucket_ids = np.zeros(len(sources[part]), dtype=int)
                evaluation.evaluate_by_bucket(
                    model,
                    pad_ids(sources[part]),
                    pad_ids(targets[part]),
                    bucket_ids,
                    ["all"],
                    batch_size,
                )
            else:
                evaluation.token_probabilities(
                    model, sources[part], targets[part], batch_size
                )
    finally:
        evaluation._teacher_forced = current
    seconds = time.perf_counter() - start
    functions = OLD_FUNCTIONS + [
        f for cached in evaluation._COMPILED.values() for f in cached.values()
    ]
    traces = sum(f.experimental_get_tracing_count() for f in functions)
    return {"seconds": round(seconds, 2), "traces": traces}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=8000)
    parser.add_argument("--vocab", type=int, default=3000)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    from rnn_pipeline.models import Seq2Seq
    from rnn_pipeline.text.specials import EOS

    base = yaml.safe_load((ROOT / "conf/base/parameters_chatbot.yml").read_text())
    real = yaml.safe_load(
        (ROOT / "conf/real_corpus/parameters_chatbot.yml").read_text()
    )
    options = {**base["chatbot"]["model_options"], **real["chatbot"]["model_options"]}
    buckets = base["chatbot"]["bucket_options"]["buckets"]
    model = Seq2Seq(args.vocab, args.vocab, **options)
    rng = np.random.default_rng(0)
    low = 4  # ids 0-3 are the special tokens
    sources = [
        list(rng.integers(low, args.vocab, rng.integers(2, buckets[-1][0])))
        for _ in range(args.pairs)
    ]
    targets = [
        list(rng.integers(low, args.vocab, rng.integers(1, buckets[-1][1] - 1))) + [EOS]
        for _ in range(args.pairs)
    ]
    load_before = os.getloadavg()
    variants = {}
    # Alternating rounds, so neither variant alone pays the warm-up; the best
    # round of each counts.
    for round_ in range(args.rounds):
        for name, before in (("before", True), ("one_trace_per_model", False)):
            timing = run_passes(model, (sources, targets), before, args.batch_size)
            variants.setdefault(name, []).append(timing)
            print(round_, name, timing, flush=True)
    best = {name: min(t["seconds"] for t in runs) for name, runs in variants.items()}
    result = {
        "benchmark": "teacher_forced",
        "machine": machine(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "pairs": args.pairs,
        "passes": 3,
        "model_options": options,
        "variants": variants,
        "best_seconds": best,
        "ratio_to_before": round(best["one_trace_per_model"] / best["before"], 3),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
