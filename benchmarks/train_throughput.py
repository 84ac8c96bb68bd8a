"""Training throughput of the default chatbot model on a real corpus, on this machine.

Prepares the corpus with the pipeline's own nodes (default parameters), builds the
default 3 x 256 LSTM seq2seq model, and times training steps under four batching
schemes: pairs grouped by bucket and padded to the bucket's full size (the classic
script), grouped by bucket and trimmed to the batch's longest pair, and grouped by
bucket and sorted by length within pools of 50 or of the default number of batches.
Then it times the default batching at several batch sizes in float32 and mixed
precision, and the model's recurrent stack alone at the same batch sizes (the most
the whole model could reach with these layers). Each run reports the padding
fractions, useful (non-PAD) target tokens per second and useful FLOP/s, beside a
float32 matmul ceiling measured in the same run. Prints JSON (and writes it with
--out).

    python benchmarks/train_throughput.py ../shared/data/chat/lost.conv --steps 30

It runs on any Keras backend (``KERAS_BACKEND=jax`` or ``torch``, e.g. on a GPU
machine without TensorFlow or Kedro): prepare the arrays where the project is
installed (``--save-arrays lost.npz``), then pass ``--arrays lost.npz`` instead of the
corpus. Every batch shape of a timed run is trained once before the clock starts, so
per-shape compilation (JAX) is not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from rnn_pipeline import quiet  # noqa: E402

quiet.install()  # TensorFlow's start-up noise kept out of the benchmark's output


def matmul_rate(m: int, k: int, n: int, dtype: str = "float32", repeats: int = 0):
    """GFLOP/s of an ``(m, k) x (k, n)`` matmul with the active Keras backend."""
    import keras
    import numpy as np
    from keras import ops

    from rnn_pipeline.backend import compile_function

    rng = np.random.default_rng(0)
    a = ops.cast(ops.convert_to_tensor(rng.standard_normal((m, k)), "float32"), dtype)
    b = ops.cast(ops.convert_to_tensor(rng.standard_normal((k, n)), "float32"), dtype)
    # The sum makes reading the result back cheap, so the clock stops at the end of
    # the work on an accelerator too.
    step = compile_function(lambda a, b: ops.sum(ops.cast(ops.matmul(a, b), "float32")))
    keras.ops.convert_to_numpy(step(a, b))
    repeats = repeats or max(10, int(2e10 // (2 * m * k * n)))
    start = time.perf_counter()
    results = [step(a, b) for _ in range(repeats)]
    keras.ops.convert_to_numpy(results[-1])
    seconds = (time.perf_counter() - start) / repeats
    return 2 * m * k * n / seconds / 1e9


def matmul_ceiling(dtype: str = "float32", size: int = 2048, rounds: int = 5) -> float:
    """GFLOP/s of a large square matmul, the best of ``rounds`` (the machine's peak:
    a low round would flatter every share measured against it)."""
    return max(matmul_rate(size, size, size, dtype, repeats=10) for _ in range(rounds))


def recurrent_flops_per_token(model_options: dict) -> int:
    """Forward matmul FLOPs of one token through the recurrent stack (4 gates)."""
    e, u, layers = (
        model_options["embedding_dim"],
        model_options["units"],
        model_options["num_layers"],
    )
    return 2 * 4 * u * (e + u) + (layers - 1) * 2 * 4 * u * (u + u)


def recurrent_stack_rate(
    model_options: dict, batch: int, length: int = 10, steps: int = 5
) -> float:
    """Useful GFLOP/s of the model's recurrent stack alone, trained on its own.

    The same layers as one side of the seq2seq model (no embedding, masking,
    attention, output projection or softmax) under a mean-squared loss: the rate
    the stock Keras recurrent layers reach at this batch size, an upper bound for
    the whole model.
    """
    import keras
    import numpy as np

    from rnn_pipeline.models.recurrent import make_recurrent_stack

    e, u = model_options["embedding_dim"], model_options["units"]
    inputs = keras.Input((length, e))
    x = inputs
    for layer in make_recurrent_stack(
        model_options["cell_type"], u, model_options["num_layers"]
    ):
        x = layer(x)[0]
    model = keras.Model(inputs, x)
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    data = rng.standard_normal((batch, length, e)).astype("float32")
    target = rng.standard_normal((batch, length, u)).astype("float32")
    model.train_on_batch(data, target)
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(data, target)
    seconds = (time.perf_counter() - start) / steps
    return 3 * recurrent_flops_per_token(model_options) * batch * length / seconds / 1e9


def step_flops(batch, model_options, vocab_size) -> tuple[float, float]:
    """Training FLOPs of one batch (3 x forward), all positions and useful ones.

    Counts the matmuls: recurrent layers (4 gates), attention (key projection, scores,
    context), the combine layer and the output projection. Useful FLOPs count only
    non-PAD source and target positions.
    """
    import numpy as np

    (source, decoder), target = batch
    source, target = np.asarray(source), np.asarray(target)
    u = model_options["units"]

    def recurrent(tokens):
        return recurrent_flops_per_token(model_options) * tokens

    def decoder_extra(tgt_tokens, src_len):
        # key projection is per source token; scores and context per (t, s) pair.
        return tgt_tokens * (2 * 2 * src_len * u + 2 * 2 * u * u + 2 * u * vocab_size)

    b, s_len = source.shape
    t_len = target.shape[1]
    total = recurrent(b * s_len) + recurrent(b * t_len)
    total += b * s_len * 2 * u * u + decoder_extra(b * t_len, s_len)
    src_useful = (source != 0).sum(1)
    tgt_useful = (target != 0).sum(1)
    useful = recurrent(src_useful.sum()) + recurrent(tgt_useful.sum())
    useful += src_useful.sum() * 2 * u * u
    useful += sum(
        decoder_extra(int(t), int(s))
        for t, s in zip(tgt_useful, src_useful, strict=True)
    )
    return 3.0 * total, 3.0 * float(useful)


def pad_to_bucket(batches, buckets):
    """Re-pad trimmed batches to their bucket's full size (the classic scheme)."""
    import numpy as np

    for (source, decoder), target in batches:
        s, t = next(
            (s, t) for s, t in buckets if s >= source.shape[1] and t >= target.shape[1]
        )

        def pad(array, width):
            return np.pad(array, [(0, 0), (0, width - array.shape[1])])

        yield (pad(source, s), pad(decoder, t)), pad(target, t)


def time_steps(model, batches, steps: int, model_options: dict, vocab_size: int):
    """Train ``steps`` batches (after one batch of every shape among them, so no
    tracing or compiling is timed) and measure."""
    import itertools

    timed = list(itertools.islice(batches, steps))
    shapes = {}
    for batch in timed:
        shapes.setdefault((batch[0][0].shape, batch[1].shape), batch)
    start = time.perf_counter()
    for batch in shapes.values():
        model.train_on_batch(*batch)
    warm_up = time.perf_counter() - start
    start = time.perf_counter()
    for batch in timed:
        model.train_on_batch(*batch)
    seconds = time.perf_counter() - start
    targets = [b[1] for b in timed]
    sources = [b[0][0] for b in timed]
    useful_tokens = int(sum((t != 0).sum() for t in targets))
    flops = [step_flops(b, model_options, vocab_size) for b in timed]
    return {
        "steps": len(timed),
        "seconds": round(seconds, 3),
        "warm_up_shapes": len(shapes),
        "warm_up_seconds": round(warm_up, 1),
        "target_padding_fraction": round(
            1 - useful_tokens / sum(t.size for t in targets), 4
        ),
        "source_padding_fraction": round(
            1 - sum((s != 0).sum() for s in sources) / sum(s.size for s in sources), 4
        ),
        "useful_target_tokens_per_second": round(useful_tokens / seconds),
        "gflops_per_second_all": round(sum(f[0] for f in flops) / seconds / 1e9, 2),
        "gflops_per_second_useful": round(sum(f[1] for f in flops) / seconds / 1e9, 2),
    }


def prepare_arrays(corpus: Path, params: dict) -> dict:
    """Training arrays of ``corpus`` through the chatbot pipeline's own nodes."""
    from rnn_pipeline.pipelines.chatbot import nodes as chat
    from rnn_pipeline.pipelines.chatbot.options import GROUPS
    from rnn_pipeline.pipelines.options import validate_namespace
    from rnn_pipeline.pipelines.seq2seq import nodes as s2s
    from rnn_pipeline.training.batching import frame_to_arrays

    options = validate_namespace("chatbot", params, GROUPS)  # typed, as Kedro does
    text = corpus.read_bytes().decode("utf-8", errors="replace")
    turns, _ = chat.parse_conversations({"source": str(corpus), "text": text})
    pairs, _ = chat.pair_conversations(
        turns, options["pairing_options"], options["cleaning_options"]
    )
    train, test = s2s.split_pairs(pairs, options["split_options"])
    vocab = s2s.build_vocabulary(train, options["vocab_options"])
    buckets = options["bucket_options"]
    train_b, _, _ = s2s.bucket_pairs(
        s2s.vectorize_pairs(train, vocab), s2s.vectorize_pairs(test, vocab), buckets
    )
    sources, targets, bucket_ids = frame_to_arrays(
        train_b, buckets.max_source_len, buckets.max_target_len
    )
    return {
        "sources": sources,
        "targets": targets,
        "buckets": bucket_ids,
        "vocab_size": len(vocab.source),
        "corpus": str(corpus),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="?", help="a .conv file")
    parser.add_argument(
        "--arrays", type=Path, help="prepared arrays (.npz) instead of a corpus"
    )
    parser.add_argument(
        "--save-arrays", type=Path, help="write the prepared arrays (.npz) here"
    )
    parser.add_argument("--steps", type=int, default=30, help="timed steps per run")
    parser.add_argument(
        "--batch-size", type=int, default=64, help="batch of the padding comparison"
    )
    parser.add_argument(
        "--sweep-batch-sizes",
        type=int,
        nargs="*",
        default=[64, 256, 1024],
        help="batch sizes of the precision sweep (default batching)",
    )
    parser.add_argument(
        "--precisions",
        nargs="*",
        default=["float32", "mixed_bfloat16"],
        help="training precisions of the sweep",
    )
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()
    if (args.corpus is None) == (args.arrays is None):
        parser.error("give a corpus file or --arrays, not both")
    source = args.corpus or args.arrays
    if not source.is_file():
        parser.error(f"no file at {source}")

    import keras
    import numpy as np
    import yaml

    from rnn_pipeline.backend import describe_devices
    from rnn_pipeline.models import Seq2Seq
    from rnn_pipeline.training.batching import seq2seq_batches
    from rnn_pipeline.training.fit import FitOptions, compile_model
    from rnn_pipeline.training.precision import dtype_policy

    params = yaml.safe_load(
        (Path(__file__).parents[1] / "conf/base/parameters_chatbot.yml").read_text(
            encoding="utf-8"
        )
    )["chatbot"]
    if args.arrays:
        with np.load(args.arrays) as saved:
            prepared = {name: saved[name] for name in saved.files}
        prepared["vocab_size"] = int(prepared["vocab_size"])
        prepared["corpus"] = str(prepared["corpus"])
    else:
        prepared = prepare_arrays(args.corpus, params)
    if args.save_arrays:
        np.savez_compressed(args.save_arrays, **prepared)
    arrays = (prepared["sources"], prepared["targets"], prepared["buckets"])
    vocab_size = prepared["vocab_size"]
    buckets = params["bucket_options"]["buckets"]
    default_pool = params["training_options"]["length_pool"]
    model_options = params["model_options"]
    units = model_options["units"]
    # Measured before and after the timed runs, the higher kept: on a shared machine
    # the peak varies from minute to minute, and a low one would flatter the shares.
    ceiling_before = matmul_ceiling()

    def new_model(precision: str):
        keras.utils.set_random_seed(0)
        with dtype_policy(precision):
            model = Seq2Seq(vocab_size, vocab_size, **model_options)
            compile_model(model, FitOptions())
        return model

    def batches(batch_size: int, pool: int):
        epoch = seq2seq_batches(*arrays, batch_size, shuffle=True, length_pool=pool)
        return epoch()

    # 1. Batching schemes, float32, one batch size.
    schemes = {
        "bucket_full_padding": pad_to_bucket(batches(args.batch_size, 0), buckets),
        "bucket_trimmed": batches(args.batch_size, 0),
        "length_pool_50": batches(args.batch_size, 50),
        f"length_pool_{default_pool}_default": batches(args.batch_size, default_pool),
    }
    model = new_model("float32")
    padding = {
        name: time_steps(model, dataset, args.steps, model_options, vocab_size)
        for name, dataset in schemes.items()
    }
    # 2. The default batching at several batch sizes and precisions.
    sweep = {}
    for precision in args.precisions:
        for batch_size in args.sweep_batch_sizes:
            model = new_model(precision)
            sweep[f"{precision}_batch_{batch_size}"] = time_steps(
                model,
                batches(batch_size, default_pool),
                args.steps,
                model_options,
                vocab_size,
            )
    # The bare recurrent stack in float32 at the sweep's batch sizes: how far the
    # whole model could get with these layers on this machine.
    stack = {
        f"batch_{batch}": {
            "gflops_per_second_useful": round(
                recurrent_stack_rate(model_options, batch), 2
            )
        }
        for batch in args.sweep_batch_sizes
    }
    ceiling_after = matmul_ceiling()
    ceiling = max(ceiling_before, ceiling_after)
    # bfloat16 has a peak of its own (AMX on this CPU, tensor cores on a GPU).
    bf16_ceiling = matmul_ceiling("bfloat16")
    for result in [*padding.values(), *sweep.values(), *stack.values()]:
        result["useful_share_of_matmul_ceiling"] = round(
            result["gflops_per_second_useful"] / ceiling, 3
        )
    for name, result in sweep.items():
        if "bfloat16" in name:
            result["useful_share_of_bfloat16_ceiling"] = round(
                result["gflops_per_second_useful"] / bf16_ceiling, 3
            )
    report = {
        "benchmark": "train_throughput",
        "corpus": prepared["corpus"],
        "train_pairs": len(arrays[0]),
        "vocab": vocab_size,
        "model": {**model_options, "parameters": model.count_params()},
        "batch_size": args.batch_size,
        "backend": keras.backend.backend(),
        "device": describe_devices(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "matmul_ceiling_gflops": round(ceiling, 1),
        "matmul_ceiling_before_after_gflops": [
            round(ceiling_before, 1),
            round(ceiling_after, 1),
        ],
        "matmul_ceiling_bfloat16_gflops": round(bf16_ceiling, 1),
        # The shapes one LSTM step multiplies (batch, 2 x units) x (2 x units, 4 x
        # units): what the recurrence can reach at most on this machine.
        "lstm_step_matmul_gflops": {
            f"{dtype}_batch_{batch}": round(
                matmul_rate(batch, 2 * units, 4 * units, dtype), 1
            )
            for dtype in ("float32", "bfloat16")
            for batch in (64, 256)
        },
        "schemes": padding,
        "precision_and_batch_sweep": sweep,
        "recurrent_stack_only_float32": stack,
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
