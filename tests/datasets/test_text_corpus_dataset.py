import pytest
from kedro.io import DatasetError

from rnn_pipeline.datasets import TextCorpusDataset


def test_reads_the_users_file_replacing_invalid_bytes(tmp_path):
    path = tmp_path / "poetry.txt"
    path.write_bytes("春风\n".encode() + b"\xff")
    data = TextCorpusDataset(str(path)).load()
    assert data == {"source": str(path), "text": "春风\n\ufffd"}


def test_without_fallback_a_missing_file_says_where_to_put_it(tmp_path):
    path = tmp_path / "data/01_raw/poetry.txt"
    dataset = TextCorpusDataset(str(path), description="one poem a line")
    with pytest.raises(DatasetError, match=r"put the corpus \(one poem a line"):
        dataset.load()
    assert not dataset.exists()


def test_the_code_fallback_is_the_standard_librarys_source(tmp_path, caplog):
    dataset = TextCorpusDataset(str(tmp_path / "code.txt"), fallback="python_stdlib")
    data = dataset.load()
    assert "python standard library" in data["source"]
    assert "embedded default" in data["source"]
    assert "def " in data["text"] and "import " in data["text"]
    assert "not found, using the embedded default" in caplog.text


def test_unknown_fallback_and_writing_are_errors(tmp_path):
    with pytest.raises(DatasetError, match="got 'linux'"):
        TextCorpusDataset(str(tmp_path / "x.txt"), fallback="linux")
    with pytest.raises(DatasetError, match="never written"):
        TextCorpusDataset(str(tmp_path / "x.txt")).save("text")
