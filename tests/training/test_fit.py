import keras
import numpy as np
import pytest

from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.training.batching import make_seq2seq_dataset, pad_ids
from rnn_pipeline.training.fit import (
    FitOptions,
    LoopOptions,
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


class FakeClock:
    """A clock that only moves when a batch starts, by ``seconds_per_batch``."""

    def __init__(self, seconds_per_batch: float) -> None:
        self.now = 0.0
        self.seconds_per_batch = seconds_per_batch

    def __call__(self) -> float:
        return self.now


class Tick(keras.callbacks.Callback):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock

    def on_train_batch_begin(self, batch, logs=None):
        self.clock.now += self.clock.seconds_per_batch


def test_the_time_budget_stops_training_mid_epoch_and_says_so(tmp_path, caplog):
    # 64 pairs in batches of 16: 4 steps per epoch. Each step takes 10 fake seconds,
    # so a 1-minute budget is spent after step 6: epoch 1 and 2 steps of epoch 2.
    clock = FakeClock(seconds_per_batch=10.0)
    options = FitOptions(
        epochs=5, learning_rate=1e-2, verbose=0, time_budget_minutes=1.0
    )
    counter = CountEpochs()
    with caplog.at_level("INFO"):
        history = fit_with_resume(
            new_model(),
            data(),
            data(),
            options,
            tmp_path,
            [Tick(clock), counter],
            clock=clock,
        )
    assert counter.epochs == [0, 1]
    assert history["epochs_done"] == [1.0, 1.5]
    assert history["stopped_early"] == [0.0, 1.0]
    assert len(history["val_loss"]) == 2  # the partial epoch is still validated
    assert "Time budget of 1 min spent after 1 epochs + 2 steps; stopping" in (
        caplog.text
    )
    assert not tmp_path.exists()  # a budget-stopped run is finished: no backup


def test_progress_lines_come_every_progress_seconds(tmp_path, caplog):
    clock = FakeClock(seconds_per_batch=10.0)
    options = FitOptions(epochs=1, verbose=0, progress_seconds=20.0)
    with caplog.at_level("INFO", logger="rnn_pipeline.training.budget"):
        fit_with_resume(
            new_model(), data(), None, options, tmp_path, [Tick(clock)], clock=clock
        )
    lines = [r.getMessage() for r in caplog.records if "step" in r.getMessage()]
    assert len(lines) == 2, lines  # after steps 2 and 4 of 4
    assert lines[0].startswith("Epoch 1/1: step 2/4, loss ")
    assert lines[0].endswith("20s elapsed, epoch ETA 20s")


def test_every_epoch_ends_with_a_line_of_its_losses_and_learning_rate(tmp_path, caplog):
    clock = FakeClock(seconds_per_batch=10.0)
    options = FitOptions(epochs=2, verbose=0, progress_seconds=None)
    with caplog.at_level("INFO", logger="rnn_pipeline.training.budget"):
        history = fit_with_resume(
            new_model(), data(), data(), options, tmp_path, [Tick(clock)], clock=clock
        )
    lines = [r.getMessage() for r in caplog.records if " done in " in r.getMessage()]
    assert [line.split(":")[0] for line in lines] == [
        "Epoch 1/2 done in 40s",
        "Epoch 2/2 done in 40s",
    ]
    assert f"val_token_loss {history['val_token_loss'][1]:.4g}" in lines[1]
    assert "learning_rate 0.01" in lines[1]


def test_the_history_holds_the_learning_rate_of_each_epoch(tmp_path):
    schedule = keras.callbacks.LearningRateScheduler(
        lambda epoch, lr: 0.01 / (epoch + 1)
    )
    options = FitOptions(epochs=3, verbose=0)
    history = fit_with_resume(
        new_model(), data(), data(), options, tmp_path, [schedule]
    )
    assert history["learning_rate"] == pytest.approx([0.01, 0.005, 0.01 / 3])


def test_validation_token_loss_is_the_mean_over_all_target_tokens(tmp_path):
    model = new_model()
    history = fit_with_resume(
        model, data(), data(), FitOptions(epochs=1, verbose=0), tmp_path
    )
    # By hand: the summed cross-entropy of every non-PAD target token of the
    # validation batches, over their count (batches of different lengths).
    total, tokens = 0.0, 0
    for (source, decoder_tokens), target in data():
        logits = np.asarray(model([source, decoder_tokens], training=False))
        target = np.asarray(target)
        shifted = logits - logits.max(-1, keepdims=True)
        log_softmax = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
        nll = -np.take_along_axis(log_softmax, target[..., None], -1)[..., 0]
        total += float(nll[target != 0].sum())
        tokens += int((target != 0).sum())
    assert history["val_token_loss"][0] == pytest.approx(total / tokens, rel=1e-5)


def test_a_run_resumes_from_another_folder_and_leaves_it_alone(tmp_path):
    # A multi-worker run: each worker writes its own folder, all resume from the
    # chief's.
    chief, worker = tmp_path / "chief", tmp_path / "worker"
    options = FitOptions(epochs=5, learning_rate=1e-2, verbose=0)
    with pytest.raises(Interrupt):
        fit_with_resume(new_model(), data(), data(), options, chief, [StopAfter(3)])

    counter = CountEpochs()
    loop = LoopOptions(resume_from=chief)
    history = fit_with_resume(
        new_model(), data(), data(), options, worker, [counter], loop=loop
    )
    assert counter.epochs == [3, 4]
    assert len(history["loss"]) == 5
    assert (chief / "backup" / "epoch-3").is_dir()  # the chief's, untouched
    assert not worker.exists()
