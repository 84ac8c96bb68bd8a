import pytest
from kedro.io import DatasetError

from rnn_pipeline.datasets import DigitsDataset, TextCorpusDataset
from rnn_pipeline.digits import load_digits_frame


def test_user_text_takes_precedence(tmp_path):
    path = tmp_path / "embeddings.txt"
    path.write_text("hello words", encoding="utf-8")
    assert TextCorpusDataset(str(path)).load() == {
        "source": str(path),
        "text": "hello words",
    }


def test_standard_library_text_when_the_file_is_absent(tmp_path):
    corpus = TextCorpusDataset(str(tmp_path / "missing.txt"), "pydoc_topics").load()
    assert "standard-library default" in corpus["source"]
    assert len(corpus["text"].split()) > 10000
    with pytest.raises(DatasetError, match="no corpus at"):
        TextCorpusDataset(str(tmp_path / "missing.txt"), fallback=None).load()
    with pytest.raises(DatasetError, match="got 'wiki'"):
        TextCorpusDataset("x.txt", fallback="wiki")


def test_raw_datasets_are_never_written():
    assert len(DigitsDataset().load()) == 1797
    with pytest.raises(DatasetError, match="never written"):
        DigitsDataset().save(load_digits_frame())
