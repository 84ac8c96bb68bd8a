import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.training.batching import (
    batches_per_epoch,
    pad_ids,
    sharded_seq2seq_data,
)
from rnn_pipeline.training.fit import FitOptions, compile_model
from rnn_pipeline.training.multi_worker import fit_multi_worker
from tests.test_end_to_end import free_port

JOB = Path(__file__).with_name("multi_worker_job.py")


def copy_task(n: int = 160, seed: int = 0):
    rng = np.random.default_rng(seed)
    sequences = [list(rng.integers(4, 10, rng.integers(2, 6))) for _ in range(n)]
    buckets = (np.array([len(s) for s in sequences]) > 3).astype(np.int64)
    return pad_ids(sequences, 6), pad_ids([s + [2] for s in sequences], 7), buckets


def new_model(epochs: int):
    keras.utils.set_random_seed(1)
    model = Seq2Seq(10, 10, embedding_dim=4, units=8, num_layers=1, dropout=0.0)
    options = FitOptions(epochs=epochs, learning_rate=1e-2, verbose=0)
    compile_model(model, options)
    return model, options


def test_two_worker_processes_end_with_the_same_weights(tmp_path):
    """MultiWorkerMirroredStrategy across two processes on 127.0.0.1."""
    ports = f"{free_port()},{free_port()}"
    workers = [
        subprocess.Popen(
            [sys.executable, str(JOB), str(index), ports, str(tmp_path / "ckpt")]
            + [str(tmp_path / f"worker{index}"), "3"],
            cwd=Path(__file__).parents[2],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for index in range(2)
    ]
    for worker in workers:
        output, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0, output[-3000:]
    reports = [json.loads((tmp_path / f"worker{i}.json").read_text()) for i in range(2)]
    assert [r["replicas"] for r in reports] == [2, 2]
    loss = reports[0]["history"]["loss"]
    assert loss[-1] < 0.9 * loss[0]  # the workers trained the model together
    assert reports[0]["history"] == reports[1]["history"]
    weights = [np.load(tmp_path / f"worker{i}.npz") for i in range(2)]
    assert len(weights[0].files) > 10
    for name in weights[0].files:
        np.testing.assert_array_equal(weights[0][name], weights[1][name])
    assert not (tmp_path / "ckpt" / "backup").exists()  # removed when done


def test_shards_split_the_pairs_and_count_their_batches():
    sources, targets, buckets = copy_task()
    data = sharded_seq2seq_data(sources, targets, buckets, shuffle=True, seed=3)
    seen = []
    for shard in range(3):
        batches = list(data.make(shard, 3, 8).as_numpy_iterator())
        assert len(batches) == data.count(shard, 3, 8)
        seen += [tuple(row) for (source, _), _ in batches for row in source]
    assert len(seen) == len(sources)  # every pair in exactly one shard
    assert data.count(0, 1, 8) == batches_per_epoch(buckets, 8)


class CrashAfter(keras.callbacks.Callback):
    """A kill at the end of epoch ``epochs``, once its checkpoint is written."""

    def __init__(self, epochs: int) -> None:
        super().__init__()
        self.epochs = epochs

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epochs:
            raise KeyboardInterrupt


def test_one_process_loop_learns_and_resumes_with_optimizer_state(tmp_path):
    sources, targets, buckets = copy_task()
    train = sharded_seq2seq_data(sources[:128], targets[:128], buckets[:128], True)
    validation = sharded_seq2seq_data(sources[128:], targets[128:], buckets[128:])
    strategy = tf.distribute.get_strategy()
    steps = batches_per_epoch(buckets[:128], 16)

    model, options = new_model(epochs=4)
    with pytest.raises(KeyboardInterrupt):
        fit_multi_worker(
            model,
            train,
            validation,
            16,
            options,
            tmp_path,
            strategy,
            extra_callbacks=[CrashAfter(2)],
        )
    assert (tmp_path / "backup" / "epoch-2").is_dir()
    first = json.loads((tmp_path / "history.json").read_text())

    resumed, options = new_model(epochs=4)
    history = fit_multi_worker(
        resumed, train, validation, 16, options, tmp_path, strategy
    )
    assert len(history["loss"]) == 4
    assert history["loss"][:2] == first["loss"]
    assert history["val_loss"][-1] < history["val_loss"][0]
    # Adam's step count went on from the checkpoint: its state was restored too.
    assert int(resumed.optimizer.iterations.numpy()) == 4 * steps
    assert not (tmp_path / "backup").exists()


def test_batch_size_must_split_over_the_replicas(tmp_path):
    sources, targets, buckets = copy_task(32)
    model, options = new_model(epochs=1)
    with pytest.raises(
        ValueError, match="positive multiple of the 1 replicas in sync, got 0"
    ):
        fit_multi_worker(
            model,
            sharded_seq2seq_data(sources, targets, buckets),
            None,
            0,
            options,
            tmp_path,
            tf.distribute.get_strategy(),
        )


def test_the_loop_stops_when_the_time_budget_is_spent(tmp_path):
    sources, targets, buckets = copy_task()
    train = sharded_seq2seq_data(sources[:128], targets[:128], buckets[:128], True)
    validation = sharded_seq2seq_data(sources[128:], targets[128:], buckets[128:])
    steps = batches_per_epoch(buckets[:128], 16)
    model, options = new_model(epochs=3)
    # 60 microseconds: spent by the first step on any machine.
    options = dataclasses.replace(options, time_budget_minutes=1e-6)
    history = fit_multi_worker(
        model, train, validation, 16, options, tmp_path, tf.distribute.get_strategy()
    )
    assert history["epochs_done"] == [pytest.approx(1 / steps)]
    assert history["stopped_early"] == [1.0]
    assert history["val_token_loss"] == history["val_loss"]
    assert history["learning_rate"] == [pytest.approx(1e-2)]
    assert int(model.optimizer.iterations.numpy()) == 1
    assert not (tmp_path / "backup").exists()
