"""Time the chatbot's data preparation (ingest -> bucket) on a .conv corpus.

Runs the pipeline's own node functions in order, once per corpus size, each size in a
fresh process so peak memory is its own. The corpus is read once and repeated in
memory to make the larger sizes. Prints JSON (and writes it with --out).

    python benchmarks/data_prep.py ../shared/data/chat/lost.conv --repeat 1 8
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

DEFAULT_PARAMS = {
    "pairing_options": {"pairing": "consecutive"},
    "cleaning_options": {},
    "split_options": {"test_fraction": 0.2, "seed": 42},
    "vocab_options": {"min_count": 1, "max_size": 6000},
    "bucket_options": {"buckets": [[10, 15], [20, 25], [40, 50], [80, 100]]},
}


def prepare(text: str, source: str, params: dict) -> dict:
    """ingest -> clean -> split -> vocab -> vectorize -> bucket; timings per step."""
    from rnn_pipeline.pipelines.chatbot import nodes as chat
    from rnn_pipeline.pipelines.seq2seq import nodes as s2s

    timings = {}

    def timed(name, fn, *args):
        start = time.perf_counter()
        result = fn(*args)
        timings[name] = time.perf_counter() - start
        return result

    turns, ingest = timed(
        "ingest", chat.parse_conversations, {"source": source, "text": text}
    )
    pairs, cleaning = timed(
        "clean",
        chat.pair_conversations,
        turns,
        params["pairing_options"],
        params["cleaning_options"],
        params["bucket_options"],
    )
    train, test = timed("split", s2s.split_pairs, pairs, params["split_options"])
    vocab = timed("vocab", s2s.build_vocabulary, train, params["vocab_options"])
    train_ids = timed("vectorize_train", s2s.vectorize_pairs, train, vocab)
    test_ids = timed("vectorize_test", s2s.vectorize_pairs, test, vocab)
    _, _, buckets = timed(
        "bucket", s2s.bucket_pairs, train_ids, test_ids, params["bucket_options"]
    )
    return {
        "turns": ingest["turns"],
        "pairs": cleaning["pairs_before_cleaning"],
        "pairs_kept": cleaning["pairs_kept"],
        "dropped": cleaning["dropped"],
        "buckets": buckets,
        "step_seconds": {k: round(v, 4) for k, v in timings.items()},
    }


def worker(corpus: Path, repeat: int) -> dict:
    # Imports first, so their memory and time are not counted as preparation.
    import rnn_pipeline.pipelines.chatbot.nodes  # noqa: F401
    import rnn_pipeline.pipelines.seq2seq.nodes  # noqa: F401

    raw = corpus.read_bytes().decode("utf-8", errors="replace")
    text = (raw if raw.endswith("\n") else raw + "\n") * repeat
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = prepare(text, f"{corpus} x{repeat}", DEFAULT_PARAMS)
    seconds = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "repeat": repeat,
        "corpus_bytes": len(text.encode("utf-8")),
        "seconds": round(seconds, 3),
        "pairs_per_second": round(result["pairs"] / seconds),
        "microseconds_per_pair": round(1e6 * seconds / result["pairs"], 3),
        "peak_rss_mib": round(rss_after / 1024, 1),
        # Peak resident memory added by preparation (the corpus text included).
        "rss_growth_mib": round((rss_after - rss_before) / 1024, 1),
        **result,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a .conv file")
    parser.add_argument("--repeat", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.corpus.is_file():
        parser.error(f"no corpus file at {args.corpus}")
    if args.worker:
        print(json.dumps(worker(args.corpus, args.worker)))
        return
    runs = []
    for repeat in args.repeat:
        output = subprocess.run(
            [sys.executable, __file__, str(args.corpus), "--worker", str(repeat)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    base = runs[0]
    report = {
        "benchmark": "data_prep",
        "corpus": str(args.corpus),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "runs": runs,
        "time_per_pair_ratio_to_first": {
            str(r["repeat"]): round(
                r["microseconds_per_pair"] / base["microseconds_per_pair"], 3
            )
            for r in runs
        },
    }
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
