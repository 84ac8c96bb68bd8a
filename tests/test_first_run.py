"""What a fresh clone's `make run` answers: the chatbot with conf/base alone on the
embedded corpus, as `make run` trains it (about 80 s on 2 cores)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.test_end_to_end import copy_project, kedro

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> Path:
    """A copy of the project trained by `kedro run --pipelines chatbot`, base conf."""
    project = copy_project(tmp_path_factory.mktemp("first-run"))
    (project / "conf/local/parameters_chatbot.yml").unlink()  # no test overrides
    result = kedro(project, "run", "--pipelines", "chatbot")
    assert result.returncode == 0, result.stderr[-3000:]
    return project


def replies(project: Path) -> list[dict]:
    (report,) = project.glob("data/07_model_output/chatbot/replies.json/*/replies.json")
    return json.loads(report.read_text(encoding="utf-8"))["replies"]


def corpus_lines(project: Path) -> set[str]:
    pairs = pd.read_parquet(project / "data/03_primary/chatbot/pairs.parquet")
    return set(pairs["source"]) | set(pairs["target"])


def test_every_prompt_gets_a_reply(first_run):
    answered = replies(first_run)
    assert len(answered) == 6
    assert all(r["reply"] for r in answered), answered


def test_no_reply_doubles_a_character_the_corpus_never_doubles(first_run):
    text = "\n".join(corpus_lines(first_run))
    doubled = {
        r["reply"]: pair
        for r in replies(first_run)
        for pair in re.findall(r"((.)\2)", r["reply"])
        if pair[0] not in text
    }
    assert not doubled, doubled


def test_most_replies_are_lines_of_the_corpus(first_run):
    """Memorised lines, not babble: the embedded corpus is a few hundred pairs."""
    lines = corpus_lines(first_run)
    answered = [r["reply"] for r in replies(first_run)]
    assert sum(reply in lines for reply in answered) >= len(answered) / 2, answered
