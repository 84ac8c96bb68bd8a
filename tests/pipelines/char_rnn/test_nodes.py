import math

import numpy as np
import pytest

from rnn_pipeline.pipelines.char_rnn import nodes
from rnn_pipeline.pipelines.char_rnn.options import (
    CleaningOptions,
    ModelOptions,
    SamplingOptions,
    SplitOptions,
    TrainingOptions,
    VocabOptions,
    WindowOptions,
)
from rnn_pipeline.pipelines.options import parse
from rnn_pipeline.text.errors import CorpusError
from rnn_pipeline.text.vocab import Vocabulary

TEXT = "床前明月光\r\n疑是地上霜\r\n\r\n举头望明月\r\n低头思故乡\r\n" * 20
TINY_MODEL = ModelOptions(units=8, embedding_dim=4, num_layers=1)


def tiny_windows():
    """A vocabulary of eight characters and 8-character windows of a repeated text
    (four training batches of eight)."""
    vocabulary = nodes.build_char_vocabulary("abcdefgh", VocabOptions())
    ids = nodes.encode_text("abcdefgh" * 40, vocabulary)
    windows = WindowOptions(sequence_length=8, batch_size=8)
    return vocabulary, *nodes.make_windows(ids, ids.iloc[:80], windows)


def test_ingest_reports_the_source_and_rejects_an_empty_corpus():
    text, report = nodes.ingest_text({"source": "poetry.txt", "text": TEXT})
    assert text == TEXT and report == {"source": "poetry.txt", "characters": len(TEXT)}
    with pytest.raises(CorpusError, match="empty file: poetry.txt"):
        nodes.ingest_text({"source": "poetry.txt", "text": " \n"})


def test_clean_normalises_and_filters_and_rejects_bad_options():
    clean, report = nodes.clean_corpus(TEXT, CleaningOptions(drop_blank_lines=True))
    assert "\r" not in clean and "\n\n" not in clean
    assert report["dropped_blank"] == 20
    with pytest.raises(ValueError, match="invalid cleaning_options: max_line"):
        parse(CleaningOptions, {"max_line": 3})
    with pytest.raises(CorpusError, match="cleaning left 0 characters"):
        nodes.clean_corpus(TEXT, CleaningOptions(min_line_chars=99))


def test_split_gives_contiguous_parts_of_the_requested_share():
    train, validation = nodes.split_text(
        "abcdefghij" * 100, SplitOptions(validation_fraction=0.1, block_chars=100)
    )
    assert len(validation) == 100 and validation in "abcdefghij" * 100
    assert len(train) == 900
    with pytest.raises(ValueError, match="validation_fraction"):
        parse(SplitOptions, {"validation_fraction": 0})


def test_vocabulary_keeps_the_n_most_frequent_characters_plus_specials():
    vocabulary = nodes.build_char_vocabulary("aaabbc", VocabOptions(max_chars=2))
    assert isinstance(vocabulary, Vocabulary)
    assert vocabulary.tokens[4:] == ["a", "b"]
    assert vocabulary.encode("c") == [3]  # <unk>
    with pytest.raises(ValueError, match="invalid vocab_options"):
        parse(VocabOptions, {"max_chars": 0})


def test_encode_and_windows_report_counts_and_a_stable_fingerprint():
    vocabulary = nodes.build_char_vocabulary("abcdefgh", VocabOptions())
    train = nodes.encode_text("abcdefgh" * 30, vocabulary)
    validation = nodes.encode_text("abcdefgh" * 5 + "?", vocabulary)
    assert list(train.columns) == ["id"] and len(train) == 240
    assert validation["id"].iloc[-1] == 3
    options = WindowOptions(sequence_length=10, batch_size=4)
    _, val_ds, report = nodes.make_windows(train, validation, options)
    assert report["train_windows"] == 23 and report["validation_windows"] == 4
    assert nodes.make_windows(train, validation, options)[2] == report
    assert sum(int(x.shape[0]) for x, _ in val_ds) == 4
    with pytest.raises(CorpusError, match="validation text has 3 characters"):
        nodes.make_windows(train, validation.iloc[:3], options)


def test_track_training_adds_the_validation_perplexity():
    metrics = nodes.track_training({"loss": [2.0, 1.0], "val_loss": [1.5, 1.0]})
    assert [p["step"] for p in metrics["train_loss"]] == [0, 1]
    assert metrics["val_perplexity"][1]["value"] == pytest.approx(math.e)


def test_sampling_options_refuse_a_sampler_a_char_rnn_cannot_use():
    with pytest.raises(ValueError, match="invalid sampling_options: sampler"):
        parse(SamplingOptions, {"sampler": "beam"})


def test_train_evaluate_and_sample_on_a_tiny_text(tmp_path):
    vocabulary, train_ds, val_ds, report = tiny_windows()
    model, history = nodes.train_char_rnn(
        train_ds,
        val_ds,
        report,
        vocabulary,
        TINY_MODEL,
        TrainingOptions(epochs=2, verbose=0, checkpoint_dir=str(tmp_path)),
    )
    assert len(history["val_loss"]) == 2
    metrics, evaluation = nodes.evaluate_char_rnn(model, val_ds)
    assert evaluation["bits_per_char"] == pytest.approx(
        evaluation["loss_nats_per_char"] / math.log(2)
    )
    assert metrics["validation_perplexity"]["value"] == pytest.approx(
        math.exp(evaluation["loss_nats_per_char"])
    )
    report = nodes.sample_texts(
        model, vocabulary, SamplingOptions(start_strings=["ab", "zz"], length=6)
    )
    first, second = report["samples"]
    assert len(first["text"]) == 8 and first["unknown"] == []
    assert second["unknown"] == ["z"]
    assert np.isfinite(evaluation["perplexity"])


def test_a_spent_time_budget_stops_training_and_the_model_still_evaluates(tmp_path):
    vocabulary, train_ds, val_ds, report = tiny_windows()  # 4 steps per epoch
    # A budget of 60 microseconds is spent by the first step, whatever the machine.
    training = TrainingOptions(
        epochs=3, verbose=0, checkpoint_dir=str(tmp_path), time_budget_minutes=1e-6
    )
    model, history = nodes.train_char_rnn(
        train_ds, val_ds, report, vocabulary, TINY_MODEL, training
    )
    assert history["epochs_done"] == [0.25] and history["stopped_early"] == [1.0]
    assert len(history["val_loss"]) == 1 and "learning_rate" in history
    metrics = nodes.track_training(history)
    assert metrics["stopped_early"] == [{"value": 1.0, "step": 0}]
    _, evaluation = nodes.evaluate_char_rnn(model, val_ds)
    assert np.isfinite(evaluation["loss_nats_per_char"])
    assert not any(tmp_path.iterdir())  # no backup for the next run to resume
