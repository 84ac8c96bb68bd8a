"""Latency of one reply (greedy and beam search) for the chatbot-size model on CPU.

Builds the default chatbot model (3 x 256 LSTM, Luong attention; weights random,
which does not change the arithmetic), and times single replies of exactly
``--length`` tokens (EOS ignored) from a 12-character prompt. Prints JSON (and writes
it with --out).

    python benchmarks/decode.py --vocab 4000 --length 25 --runs 200
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from rnn_pipeline import quiet  # noqa: E402

quiet.install()  # TensorFlow's start-up noise kept out of the benchmark's output


def percentiles(samples: list[float]) -> dict[str, float]:
    import numpy as np

    ms = np.asarray(samples) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "mean_ms": round(float(ms.mean()), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=int, default=4000, help="vocabulary size")
    parser.add_argument("--length", type=int, default=25, help="reply tokens")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--beams", type=int, default=5)
    parser.add_argument("--units", type=int, default=256)
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()

    import keras
    import numpy as np

    from rnn_pipeline import samplers
    from rnn_pipeline.backend import describe_devices
    from rnn_pipeline.models import Seq2Seq
    from rnn_pipeline.models.seq2seq_generator import Seq2SeqGenerator

    keras.utils.set_random_seed(0)
    model = Seq2Seq(
        args.vocab,
        args.vocab,
        embedding_dim=128,
        units=args.units,
        num_layers=args.layers,
        attention="luong",
        dropout=0.2,
    )
    prompt = np.random.default_rng(0).integers(4, args.vocab, (1, 12)).astype("int32")
    results = {}
    for name, sampler in (
        ("greedy", samplers.get("greedy")),
        (f"beam{args.beams}", samplers.get("beam", num_beams=args.beams)),
    ):
        for jit in (False, True):
            generator = Seq2SeqGenerator(
                model, sampler, args.length, stop_at_eos=False, jit_compile=jit
            )
            generator(prompt)  # trace and compile (XLA: padded to 16 columns)
            samples = []
            for _ in range(args.runs):
                start = time.perf_counter()
                tokens = generator(prompt)
                samples.append(time.perf_counter() - start)
            assert tokens.shape == (1, args.length)
            results[f"{name}{'_xla' if jit else ''}"] = percentiles(samples)
    report = {
        "benchmark": "decode",
        "model": {
            "layers": args.layers,
            "units": args.units,
            "vocab": args.vocab,
            "attention": "luong",
            "parameters": model.count_params(),
        },
        "reply_tokens": args.length,
        "runs": args.runs,
        "device": describe_devices(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "latency": results,
        "targets_ms": {"greedy_p50": 15, f"beam{args.beams}_p50": 50},
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
