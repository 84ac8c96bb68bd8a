import pytest
from kedro.io import DatasetError

from rnn_pipeline.datasets import ConvCorpusDataset


def test_reads_the_users_file_replacing_invalid_bytes(tmp_path):
    path = tmp_path / "chat.conv"
    path.write_bytes("E\nM 你好\nM ".encode() + b"\xff\n")
    data = ConvCorpusDataset(str(path)).load()
    assert data["source"] == str(path)
    assert data["text"].startswith("E\nM 你好\nM \ufffd")


def test_falls_back_to_the_embedded_corpus_and_says_so(tmp_path, caplog):
    data = ConvCorpusDataset(str(tmp_path / "missing.conv"), fallback="chinese").load()
    assert "embedded default" in data["source"]
    assert data["text"].startswith("E\nM ")
    assert "not found, using the embedded default" in caplog.text


def test_without_fallback_a_missing_file_says_where_to_put_it(tmp_path):
    dataset = ConvCorpusDataset(str(tmp_path / "chat.conv"), fallback=None)
    with pytest.raises(
        DatasetError, match=r"no corpus at .*chat.conv: put a .conv file"
    ):
        dataset.load()


def test_raw_data_is_never_written(tmp_path):
    path = tmp_path / "chat.conv"
    path.write_text("E\nM 你好\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="never written"):
        ConvCorpusDataset(str(path)).save({"source": "x", "text": "E\nM 坏\n"})
    assert path.read_text(encoding="utf-8") == "E\nM 你好\n"
