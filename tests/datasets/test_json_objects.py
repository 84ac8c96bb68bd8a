"""The vocabulary and the responder configuration are saved as JSON and loaded as
the library's objects, versioned with completion markers like every run output."""

import json

import pytest

from rnn_pipeline.chat import ResponderConfig
from rnn_pipeline.datasets import (
    BucketChoiceDataset,
    ResponderConfigDataset,
    VocabularyDataset,
)
from rnn_pipeline.pipelines.seq2seq.options import BucketOptions
from rnn_pipeline.text.cleaning import CleaningRules
from rnn_pipeline.text.vocab import PairVocabulary, Vocabulary, build_vocab

VERSION = "2026-01-01T00.00.00.000Z"


def versioned(cls, path):
    from kedro.io import Version

    return cls(filepath=str(path), version=Version(None, VERSION))


@pytest.mark.parametrize(
    "vocabulary",
    [
        PairVocabulary(build_vocab(["你好吗"])),  # shared, as the chatbot's
        PairVocabulary(build_vocab(["hello"]), build_vocab(["你好"])),  # translation
        build_vocab(["床前明月光"]),  # char-RNN
    ],
)
def test_a_vocabulary_comes_back_as_the_object_it_was(tmp_path, vocabulary):
    dataset = versioned(VocabularyDataset, tmp_path / "vocab.json")
    dataset.save(vocabulary)
    saved = tmp_path / "vocab.json" / VERSION / "vocab.json"
    assert json.loads(saved.read_text(encoding="utf-8")) == vocabulary.to_dict()
    assert dataset.is_complete(VERSION)
    loaded = dataset.load()
    assert type(loaded) is type(vocabulary)
    assert loaded.to_dict() == vocabulary.to_dict()
    if isinstance(loaded, Vocabulary):
        assert loaded.encode("明月") == vocabulary.encode("明月")
    else:
        assert loaded.target.tokens == vocabulary.target.tokens


def test_a_file_that_is_no_vocabulary_is_named_as_such(tmp_path):
    dataset = versioned(VocabularyDataset, tmp_path / "vocab.json")
    folder = tmp_path / "vocab.json" / VERSION
    folder.mkdir(parents=True)
    (folder / "vocab.json").write_text('{"tokens": []}', encoding="utf-8")
    with pytest.raises(Exception, match="expected a vocabulary of format .*, got None"):
        dataset.load()


def test_the_responder_config_comes_back_as_saved(tmp_path):
    config = ResponderConfig(
        CleaningRules(latin_words=True), 40, 12, "beam", {"num_beams": 3}
    )
    dataset = versioned(ResponderConfigDataset, tmp_path / "responder_config.json")
    dataset.save(config)
    assert dataset.load() == config


def test_the_chosen_buckets_come_back_as_options_with_sizes(tmp_path):
    chosen = BucketOptions(buckets=[(5, 10), (15, 20)], reply_length=20)
    dataset = BucketChoiceDataset(filepath=str(tmp_path / "bucket_choice.json"))
    dataset.save(chosen)
    loaded = dataset.load()
    assert loaded == chosen and loaded.max_source_len == 15
    saved = json.loads((tmp_path / "bucket_choice.json").read_text())
    assert saved["buckets"] == [[5, 10], [15, 20]] and saved["reply_length"] == 20
