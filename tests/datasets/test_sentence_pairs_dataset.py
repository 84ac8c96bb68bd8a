import pytest
from kedro.io import DatasetError

from rnn_pipeline.datasets import SentencePairsDataset
from rnn_pipeline.text.tsv import parse_tsv_pairs


def test_reads_the_users_tsv(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("Go.\tΠάμε.\tCC-BY\n", encoding="utf-8")
    data = SentencePairsDataset(str(path)).load()
    assert data == {"source": str(path), "text": "Go.\tΠάμε.\tCC-BY\n"}


def test_generates_the_same_date_task_for_a_seed(tmp_path):
    fallback = {"task": "dates", "size": 50, "seed": 3}
    first = SentencePairsDataset(str(tmp_path / "none.tsv"), fallback).load()
    again = SentencePairsDataset(str(tmp_path / "none.tsv"), fallback).load()
    assert first == again and "generated date formats" in first["source"]
    pairs, _ = parse_tsv_pairs(first["text"])
    assert len(pairs) == 50
    assert pairs.target.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def test_unknown_fallback_and_missing_file_are_clear_errors(tmp_path):
    with pytest.raises(DatasetError, match="fallback task must be 'dates', got 'x'"):
        SentencePairsDataset(str(tmp_path / "a.tsv"), {"task": "x"})
    with pytest.raises(DatasetError, match="put a TSV file of 'source<TAB>target'"):
        SentencePairsDataset(str(tmp_path / "a.tsv")).load()
