"""Char-RNN speed and quality on CPU: generation and training characters per second,
and the validation loss reached within a fixed training budget per corpus.

For each corpus: clean (line endings), split 95/5 by contiguous blocks, keep the 3500
most frequent characters, train the default 2 x 128 LSTM (dropout 0.5, Adam 1e-3,
clipping 5) until the time budget runs out, then report validation nats/char,
training chars/s, single-stream generation chars/s (top-k 5, compiled loop) and a few
samples. Prints JSON (and writes it with --out). Not a test.

    python benchmarks/generate.py ../shared/data/poetry/poetry.txt \
        ../shared/data/shakespeare/input.txt --budget-minutes 15 --out results.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # CPU figures, as the issue asks

from rnn_pipeline import quiet  # noqa: E402

quiet.install()  # TensorFlow's start-up noise kept out of the benchmark's output

import keras  # noqa: E402
import numpy as np  # noqa: E402

from rnn_pipeline import samplers  # noqa: E402
from rnn_pipeline.models.char_rnn import CharRNN  # noqa: E402
from rnn_pipeline.models.char_rnn_generator import (  # noqa: E402
    CharRNNGenerator,
    generate_texts,
)
from rnn_pipeline.text.plain import (  # noqa: E402
    TextCleaningRules,
    clean_text,
    split_contiguous,
)
from rnn_pipeline.text.vocab import build_vocab  # noqa: E402
from rnn_pipeline.training.fit import FitOptions, compile_model  # noqa: E402
from rnn_pipeline.training.windows import make_window_dataset  # noqa: E402


class TimeBudget(keras.callbacks.Callback):
    """Stops training once ``seconds`` of training batches have run."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds
        self.train_seconds = 0.0
        self.batches = 0
        self._start = 0.0

    def on_train_batch_begin(self, batch, logs=None) -> None:
        self._start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None) -> None:
        self.train_seconds += time.perf_counter() - self._start
        self.batches += 1
        if self.train_seconds >= self.seconds:
            self.model.stop_training = True


def generation_speed(model: CharRNN, start_ids: list[int], length: int) -> float:
    """Median characters per second of one stream, after a warm-up call."""
    generator = CharRNNGenerator(model, samplers.get("top_k", k=5, seed=0), length)
    ids = np.asarray([start_ids], dtype="int32")
    generator(ids)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        generator(ids)
        times.append(time.perf_counter() - start)
    return length / float(np.median(times))


def run_corpus(path: Path, args: argparse.Namespace) -> dict:
    raw = path.read_bytes().decode("utf-8", errors="replace")
    text, _ = clean_text(raw, TextCleaningRules())
    train_text, validation_text = split_contiguous(text, 0.05, 20_000)
    vocabulary = build_vocab([train_text], 1, 3500 + 4)
    # A trained embedding for large alphabets (Chinese), one-hot for small ones.
    use_embedding = len(vocabulary) > 256
    datasets = {
        name: make_window_dataset(
            vocabulary.encode(part),
            args.sequence_length,
            args.batch_size,
            shuffle=name == "train",
            drop_remainder=name == "train",
            name=name,
        )
        for name, part in (("train", train_text), ("validation", validation_text))
    }
    keras.utils.set_random_seed(0)
    model = CharRNN(len(vocabulary), use_embedding=use_embedding, name="char_rnn")
    compile_model(model, FitOptions(learning_rate=1e-3, clipnorm=5.0))
    budget = TimeBudget(args.budget_minutes * 60)
    started = time.perf_counter()
    history = model.fit(
        datasets["train"].repeat(),
        steps_per_epoch=args.steps_per_epoch,
        epochs=10_000,
        validation_data=datasets["validation"],
        callbacks=[budget],
        verbose=2,
    )
    wall = time.perf_counter() - started
    validation = model.evaluate(datasets["validation"], verbose=0, return_dict=True)
    loss = float(validation["loss"])
    chars_trained = budget.batches * args.batch_size * args.sequence_length
    starts = args.starts or (
        ["风", "月", "春风"] if use_embedding else ["ROMEO:", "The ", "First "]
    )
    samples = generate_texts(
        CharRNNGenerator(model, samplers.get("top_k", k=5, seed=1), args.sample_length),
        vocabulary,
        starts,
    )
    return {
        "corpus": str(path),
        "characters": len(text),
        "train_characters": len(train_text),
        "validation_characters": len(validation_text),
        "vocabulary_size": len(vocabulary),
        "use_embedding": use_embedding,
        "budget_minutes": args.budget_minutes,
        "wall_seconds": round(wall, 1),
        "train_batches": budget.batches,
        "epochs_of_train_text": round(chars_trained / len(train_text), 2),
        "training_chars_per_second": round(chars_trained / budget.train_seconds),
        "validation_nats_per_char": round(loss, 4),
        "validation_bits_per_char": round(loss / math.log(2), 4),
        "validation_perplexity": round(math.exp(loss), 3),
        "val_loss_per_epoch": [round(v, 4) for v in history.history["val_loss"]],
        "generation_chars_per_second": round(
            generation_speed(model, vocabulary.encode(starts[0]), args.length)
        ),
        "samples": [{"start": s.start, "text": s.text} for s in samples],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", type=Path, help="plain-text files")
    parser.add_argument("--budget-minutes", type=float, default=15.0)
    parser.add_argument("--sequence-length", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--steps-per-epoch", type=int, default=500)
    parser.add_argument("--length", type=int, default=2000, help="chars timed")
    parser.add_argument("--sample-length", type=int, default=120)
    parser.add_argument("--starts", nargs="*", default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    results: dict = {
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
            "keras_backend": keras.backend.backend(),
        },
        "model": "CharRNN 2 x 128 LSTM, dropout 0.5, Adam 1e-3, global clipnorm 5",
        "generation_untrained": {
            f"vocabulary_{size}": round(
                generation_speed(
                    CharRNN(size, use_embedding=size > 256), [5, 6, 7], args.length
                )
            )
            for size in (69, 3504)
        },
        "corpora": {},
    }
    for path in args.corpora:
        results["corpora"][path.stem] = run_corpus(path, args)
        print(json.dumps(results["corpora"][path.stem], ensure_ascii=False), flush=True)
    output = json.dumps(results, ensure_ascii=False, indent=1)
    print(output)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(output + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
