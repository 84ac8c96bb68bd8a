"""A small training run for the kill-and-resume test (run as a script).

    python train_job.py CHECKPOINT_DIR REPORT.json [SECONDS_PER_BATCH]

Writes the epoch it started from and the optimizer's step count after the restore,
then the whole history, to REPORT.json.
"""

from __future__ import annotations

import json
import sys
import time

import keras
import numpy as np

from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.training.batching import make_seq2seq_dataset, pad_ids
from rnn_pipeline.training.fit import FitOptions, compile_model, fit_with_resume


class Report(keras.callbacks.Callback):
    def __init__(self, path: str, delay: float) -> None:
        super().__init__()
        self.path, self.delay, self.report = path, delay, {}

    def on_train_begin(self, logs=None):
        self.report = {
            "start_epoch": int(getattr(self.model, "_initial_epoch", 0) or 0),
            "optimizer_steps_at_start": int(self.model.optimizer.iterations.numpy()),
        }
        self._write()

    def on_train_batch_end(self, batch, logs=None):
        time.sleep(self.delay)  # slow enough to be killed mid-epoch

    def _write(self):
        with open(self.path, "w", encoding="utf-8") as f:
            json.dump(self.report, f)


def main() -> None:
    checkpoint_dir, report_path = sys.argv[1], sys.argv[2]
    delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    sequences = [list(rng.integers(4, 12, rng.integers(2, 7))) for _ in range(160)]
    dataset = make_seq2seq_dataset(
        pad_ids(sequences, 6),
        pad_ids([s[::-1] + [2] for s in sequences], 7),
        np.zeros(160, int),
        32,
        shuffle=True,
    )
    model = Seq2Seq(12, 12, embedding_dim=8, units=16, num_layers=1, dropout=0.0)
    options = FitOptions(epochs=6, learning_rate=1e-2, verbose=0)
    compile_model(model, options)
    report = Report(report_path, delay)
    history = fit_with_resume(
        model, dataset, dataset, options, checkpoint_dir, [report]
    )
    report.report["history"] = history
    report.report["steps_per_epoch"] = int(dataset.cardinality().numpy())
    report._write()


if __name__ == "__main__":
    main()
