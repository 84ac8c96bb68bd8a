"""Wrong corpus files are named with their real cause, in one line, and never
replaced silently by the embedded default (issue 14, items 4 and 5)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd
import pytest

from rnn_pipeline.datasets import ConvCorpusDataset, SentencePairsDataset
from rnn_pipeline.text.cleaning import (
    CleaningRules,
    clean_pairs,
    require_pairs_to_split,
)
from rnn_pipeline.text.errors import CorpusError
from tests.test_end_to_end import copy_project, kedro

CONV = "E\nM 你好吗\nM 我很好，谢谢\nE\nM 今天天气怎么样\nM 今天天气很好\n"


def put_directory(path: Path) -> None:
    path.mkdir()


def put_dangling_link(path: Path) -> None:
    path.symlink_to(path.with_name("moved-away.conv"))


def put_utf16(path: Path) -> None:
    path.write_bytes(CONV.encode("utf-16"))  # with its byte-order mark


def put_utf16_without_mark(path: Path) -> None:
    path.write_bytes(CONV.encode("utf-16-le"))


def put_gbk(path: Path) -> None:
    path.write_bytes(CONV.encode("gbk"))


def put_random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(1 << 16))


def put_duplicates(path: Path) -> None:
    path.write_text("E\n" + "M 你好吗\n" * 20_000, encoding="utf-8")


# How each wrong input is put at the corpus path, and what the error must say.
CASES = {
    "directory": (put_directory, "is a folder"),
    "dangling_link": (put_dangling_link, "moved-away.conv, which does not exist"),
    "utf16": (put_utf16, "this file is UTF-16 (it starts with a UTF-16 byte-order"),
    "utf16_no_mark": (put_utf16_without_mark, "reads as UTF-16; save it as UTF-8"),
    "gbk": (put_gbk, "reads as GBK/GB18030; save it as UTF-8"),
    "random_bytes": (put_random_bytes, "are not valid UTF-8: is it text?"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_reader_names_what_is_wrong_with_the_file(tmp_path, case):
    put, expected = CASES[case]
    path = tmp_path / "chat.conv"
    put(path)
    with pytest.raises(
        CorpusError, match="(?i)save it as UTF-8|expected a .conv file"
    ) as e:
        ConvCorpusDataset(str(path), fallback="chinese").load()
    assert expected in str(e.value)
    assert str(path) in str(e.value)


def test_the_translation_reader_refuses_a_folder_too(tmp_path):
    path = tmp_path / "translation.tsv"
    path.mkdir()
    fallback = {"task": "dates", "size": 10}
    with pytest.raises(CorpusError, match="translation.tsv is a folder"):
        SentencePairsDataset(str(path), fallback=fallback).load()


def test_a_few_undecodable_lines_are_counted_with_their_share(tmp_path, caplog):
    path = tmp_path / "chat.conv"
    path.write_bytes(CONV.encode() * 10 + b"E\nM \xff\xfe\n")
    with caplog.at_level(logging.WARNING):
        data = ConvCorpusDataset(str(path)).load()
    assert "1 of 62 lines (1.6%) are not valid UTF-8" in caplog.text
    assert data["text"].startswith("E\nM 你好吗")


def test_a_utf8_byte_order_mark_is_read_past(tmp_path):
    path = tmp_path / "chat.conv"
    path.write_bytes(CONV.encode("utf-8-sig"))
    assert ConvCorpusDataset(str(path)).load()["text"] == CONV


def test_the_log_names_the_chat_corpus_as_readme_says(tmp_path, caplog):
    path = tmp_path / "chat.conv"
    path.write_text(CONV, encoding="utf-8")
    with caplog.at_level(logging.INFO):
        ConvCorpusDataset(str(path)).load()
        ConvCorpusDataset(str(tmp_path / "absent.conv"), fallback="chinese").load()
    lines = [record.getMessage() for record in caplog.records]
    assert f"Chat corpus: {path}" in lines
    assert any(
        line.startswith(f"Chat corpus: {tmp_path / 'absent.conv'} not found")
        for line in lines
    )


def test_a_corpus_emptied_by_deduplication_says_so_with_the_file():
    pairs = pd.DataFrame({"source": ["你好吗"] * 1000, "target": ["你好吗"] * 1000})
    rules = CleaningRules()
    with pytest.raises(CorpusError) as e:
        clean_pairs(pairs, rules, "data/01_raw/chat.conv")
    assert str(e.value).startswith(
        "data/01_raw/chat.conv: only 1 distinct pair(s) left after removing 999 "
        "duplicate(s) of 1000 pairs"
    )


def test_a_corpus_cleaned_to_one_pair_names_the_file_and_the_cause():
    pairs = pd.DataFrame(
        {"source": ["你好吗", "hello", "好"], "target": ["我很好", "hi", "你好"]}
    )
    kept, dropped = clean_pairs(pairs, CleaningRules(), "data/01_raw/chat.conv")
    with pytest.raises(CorpusError) as e:
        require_pairs_to_split(kept, len(pairs), dropped, "data/01_raw/chat.conv")
    assert str(e.value) == (
        "data/01_raw/chat.conv cleaned to 1 of its 3 pairs (dropped: "
        "{'not_chinese': 1, 'too_short': 1}): at least 2 are needed to split "
        "train/test; add conversations or loosen the cleaning options "
        "(chinese_only, min_chars)"
    )


def put_one_pair(path: Path) -> None:
    path.write_text("E\nM 你好吗\nM 我很好\nE\nM hello\nM hi\n", encoding="utf-8")


# Through `kedro run` (about 40 s each here): one case of each kind.
CLI_CASES = {
    "dangling_link": CASES["dangling_link"],
    "gbk": CASES["gbk"],
    "duplicates": (put_duplicates, "duplicate(s) of 19999 pairs"),
    "one_pair": (put_one_pair, "chat.conv cleaned to 1 of its 2 pairs"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_kedro_run_stops_with_one_line_naming_the_file(tmp_path, case):
    project = copy_project(tmp_path)
    put, expected = CLI_CASES[case]
    corpus = project / "data/01_raw/chat.conv"
    put(corpus)
    before = sorted((project / "data/01_raw").iterdir())
    result = kedro(
        project, "run", "--pipelines", "chatbot", "--to-nodes",
        "chatbot.split_pairs_node",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr[-2000:]
    error = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and expected in error[0], result.stderr[-2000:]
    assert "data/01_raw/chat.conv" in error[0]
    assert "Traceback" not in result.stderr
    assert "using the embedded default" not in result.stderr
    assert sorted((project / "data/01_raw").iterdir()) == before
