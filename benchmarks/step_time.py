"""Training step time of the real-corpus chatbot model: variants on the same batches.

Reads what ``chatbot_quality.py --keep DIR`` saved (the pipeline's own fit split,
vocabulary and the run's parameters), builds ``Seq2Seq`` with the run's model options
and each variant's overrides, and trains it on the same ``--steps`` batches twice:
the first pass compiles every batch shape, the second is timed. Each variant runs in
its own process (TensorFlow's thread pools are fixed at start), in turn, so they
share the machine's state; ``--rounds`` repeats the whole turn and the best round
counts. Writes JSON: seconds per step, target tokens per second and the ratio to the
first variant, with the CPU and the load average.

    python benchmarks/step_time.py /tmp/kept --variants base tied threads_1_2 \\
        --out benchmarks/results/step_time.json

Variants: ``base`` (the run's options), ``tied`` (``tie_embeddings``),
``threads_<intra>_<inter>`` (TensorFlow's intra- and inter-op pools),
``tied_threads_<intra>_<inter>``, and any of them ending in ``bf16`` (the model
built under Keras' ``mixed_bfloat16`` policy, as ``precision: mixed_bfloat16``).
Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from machine import machine

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

from rnn_pipeline import quiet  # noqa: E402

quiet.install()  # TensorFlow's start-up noise kept out of the benchmark's output


def parse_variant(name: str) -> tuple[dict, tuple[int, int] | None]:
    """Model-option overrides and TensorFlow thread counts of a variant name
    (``bf16`` sets ``precision``, the Keras dtype policy, to mixed_bfloat16)."""
    overrides: dict = {}
    threads = None
    rest = name
    if rest.endswith("bf16"):
        overrides["precision"] = "mixed_bfloat16"
        rest = rest.removesuffix("bf16").rstrip("_")
    if rest.startswith("tied"):
        overrides["tie_embeddings"] = True
        rest = rest.removeprefix("tied").lstrip("_")
    if rest.startswith("threads_"):
        intra, inter = rest.removeprefix("threads_").split("_")
        threads = (int(intra), int(inter))
        rest = ""
    if rest not in ("", "base"):
        raise SystemExit(
            f"unknown variant {name!r}: expected base, tied, threads_I_J, bf16"
        )
    return overrides, threads


def time_variant(kept: Path, name: str, steps: int) -> dict:
    """Train ``steps`` batches twice in this process; time the second pass."""
    import pickle

    overrides, threads = parse_variant(name)
    import tensorflow as tf

    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads[0])
        tf.config.threading.set_inter_op_parallelism_threads(threads[1])
    import keras

    from rnn_pipeline.models import Seq2Seq
    from rnn_pipeline.training.batching import frame_to_arrays, seq2seq_batches
    from rnn_pipeline.training.fit import FitOptions, compile_model

    with open(kept / "outputs.pkl", "rb") as file:
        outputs = pickle.load(file)["outputs"]
    params = json.loads((kept / "parameters.json").read_text())
    fit = outputs["chatbot.fit_buckets"]
    vocab = outputs["chatbot.vocab"]
    buckets = params["bucket_options"]["buckets"]
    arrays = frame_to_arrays(fit, buckets[-1][0], buckets[-1][1])
    training = params["training_options"]
    batches = seq2seq_batches(*arrays, training["batch_size"], shuffle=True, seed=0)
    chosen = [b for _, b in zip(range(steps), batches(), strict=False)]
    tokens = int(sum((target != 0).sum() for _, target in chosen))
    options = {**params["model_options"], **overrides}
    precision = options.pop("precision", "float32")
    keras.config.set_dtype_policy(precision)
    model = Seq2Seq(len(vocab.source), len(vocab.target), **options)
    compile_model(model, FitOptions(learning_rate=training["learning_rate"]))

    def one_pass() -> float:
        start = time.perf_counter()
        for (source, decoder), target in chosen:
            model.train_on_batch([source, decoder], target)
        return time.perf_counter() - start

    one_pass()  # compiles every shape
    cpu_before = os.times()
    seconds = one_pass()
    cpu = os.times()
    return {
        "variant": name,
        "model_options": options,
        "precision": precision,
        "threads": threads,
        "parameters": int(model.count_params()),
        "steps": steps,
        "seconds_per_step": seconds / steps,
        "target_tokens_per_second": tokens / seconds,
        "system_cpu_share": (cpu.system - cpu_before.system)
        / max(1e-9, (cpu.user - cpu_before.user) + (cpu.system - cpu_before.system)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kept", type=Path, help="a chatbot_quality.py --keep folder")
    parser.add_argument("--variants", nargs="+", default=["base", "tied"])
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(time_variant(args.kept, args.one, args.steps)))
        return
    if not (args.kept / "outputs.pkl").is_file():
        parser.error(f"expected a chatbot_quality.py --keep folder, got {args.kept}")
    for name in args.variants:
        parse_variant(name)
    result: dict = {"machine_before": machine(), "runs": []}
    for round_ in range(args.rounds):
        for name in args.variants:
            command = [sys.executable, __file__, str(args.kept), "--one", name]
            command += ["--steps", str(args.steps)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            run = json.loads(done.stdout.strip().splitlines()[-1])
            run["round"] = round_
            result["runs"].append(run)
            print(json.dumps(run), file=sys.stderr)
    best = {
        name: min(
            (r for r in result["runs"] if r["variant"] == name),
            key=lambda r: r["seconds_per_step"],
        )
        for name in args.variants
    }
    first = best[args.variants[0]]["seconds_per_step"]
    result["best"] = {
        name: {
            "seconds_per_step": round(run["seconds_per_step"], 4),
            "target_tokens_per_second": round(run["target_tokens_per_second"], 1),
            "speedup_over_first": round(first / run["seconds_per_step"], 3),
            "system_cpu_share": round(run["system_cpu_share"], 3),
            "parameters": run["parameters"],
        }
        for name, run in best.items()
    }
    result["machine_after"] = machine()
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
