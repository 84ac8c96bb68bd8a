import keras
import numpy as np
import pytest

from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.training.batching import make_seq2seq_dataset, pad_ids
from rnn_pipeline.training.fit import (
    FitOptions,
    compile_model,
    fingerprint,
    fit_with_resume,
)


class Interrupt(Exception):
    pass


class StopAfter(keras.callbacks.Callback):
    """Simulates a crash at the end of an epoch, after the checkpoint was written."""

    def __init__(self, epochs: int) -> None:
        super().__init__()
        self.epochs = epochs

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epochs:
            raise Interrupt


class CountEpochs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append(epoch)


def data():
    rng = np.random.default_rng(0)
    seqs = [list(rng.integers(4, 10, rng.integers(2, 6))) for _ in range(64)]
    sources = pad_ids(seqs, 6)
    targets = pad_ids([s + [2] for s in seqs], 7)
    return make_seq2seq_dataset(sources, targets, np.zeros(64, int), 16)


def new_model():
    keras.utils.set_random_seed(1)
    model = Seq2Seq(10, 10, embedding_dim=4, units=8, num_layers=1, dropout=0.0)
    compile_model(model, FitOptions(learning_rate=1e-2))
    return model


def test_an_interrupted_run_resumes_after_its_last_epoch(tmp_path):
    options = FitOptions(epochs=5, learning_rate=1e-2, verbose=0)
    with pytest.raises(Interrupt):
        fit_with_resume(new_model(), data(), data(), options, tmp_path, [StopAfter(3)])
    assert (tmp_path / "history.json").exists()

    counter = CountEpochs()
    resumed = new_model()
    history = fit_with_resume(resumed, data(), data(), options, tmp_path, [counter])
    assert counter.epochs == [3, 4]  # epochs 0-2 were not trained again
    assert len(history["loss"]) == 5  # but the history has all five
    assert history["loss"][-1] < history["loss"][0]
    assert not tmp_path.exists()  # the backup is removed once training completes


def test_fingerprint_changes_with_data_and_options():
    a = fingerprint({"units": 8}, np.arange(4))
    assert a == fingerprint({"units": 8}, np.arange(4))
    assert a != fingerprint({"units": 9}, np.arange(4))
    assert a != fingerprint({"units": 8}, np.arange(5))
