"""The chat page's app over fake responders, through real HTTP on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from rnn_pipeline.chat import Reply
from rnn_pipeline.cli.chat_web import build_app
from rnn_pipeline.serving.seq2seq_pyfunc import RequestLimits
from tests.test_end_to_end import free_port


class Upper:
    """Answers with the message in capitals; refuses an empty one."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix

    def reply(self, prompts):
        return [
            Reply(p, p.upper() + self.suffix) if p.strip() else Reply(p, None, "empty")
            for p in prompts
        ]


@contextlib.contextmanager
def running(app):
    """The app served on a free port of 127.0.0.1 in a thread; yields its URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def url():
    app = build_app(
        {"A: one": Upper("!"), "B: <two>": Upper("?")},
        RequestLimits().max_message_chars,
    )
    with running(app) as address:
        yield address


def post(
    url: str, body: bytes, content_type: str = "application/json"
) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{url}/api/reply", body, {"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_each_model_answers_the_message_side_by_side(url):
    status, body = post(url, json.dumps({"message": "hi"}).encode())
    assert status == 200
    assert body["replies"] == [
        {"model": "A: one", "reply": "HI!", "notice": ""},
        {"model": "B: <two>", "reply": "HI?", "notice": ""},
    ]


def test_a_refused_message_comes_back_as_its_notice(url):
    status, body = post(url, json.dumps({"message": " "}).encode())
    assert status == 200
    assert [r["notice"] for r in body["replies"]] == ["empty", "empty"]


def test_a_message_over_the_limit_is_a_400_naming_the_limit(url):
    status, body = post(url, json.dumps({"message": "x" * 1001}).encode())
    assert status == 400
    assert body["detail"] == (
        f"expected a message of at most {RequestLimits().max_message_chars} "
        "characters, got 1001"
    )


EXPECTED = 'expected a JSON object {"message": "..."}'
# Each wrong body, and the one line that answers it.
BAD_BODIES = {
    "malformed": (b"{not json", "application/json", "malformed JSON ("),
    "empty_object": (b"{}", "application/json", "keys []"),
    "other_key": (b'{"text": "hi"}', "application/json", "keys ['text']"),
    "list": (b'["hi"]', "application/json", "a list"),
    "null": (b"null", "application/json", "null"),
    "number": (b"3", "application/json", "a number"),
    "text_plain": (
        b'{"message": "hi"}',
        "text/plain",
        "with Content-Type application/json, got text/plain",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_a_bad_body_is_a_400_saying_what_was_expected_in_one_line(url, case):
    body, content_type, got = BAD_BODIES[case]
    status, answer = post(url, body, content_type)
    assert status == 400
    assert answer["detail"].startswith(EXPECTED), answer
    assert got in answer["detail"]
    assert "\n" not in answer["detail"]


def test_a_message_that_is_not_a_string_is_named(url):
    status, answer = post(url, b'{"message": ["hi"]}')
    assert (status, answer) == (
        400,
        {"detail": 'expected "message" to be a string, got a list'},
    )


def test_the_page_is_self_contained_and_escapes_model_names(url):
    with urllib.request.urlopen(f"{url}/", timeout=10) as response:
        page = response.read().decode()
    assert "B: &lt;two&gt;" in page and "<two>" not in page
    assert "http" not in page.replace('"Content-Type"', "")  # no CDN, no remote asset


class Picky:
    """Refuses anything but Chinese, without saying why (as a bare model might)."""

    def reply(self, prompts):
        return [
            Reply(p, "好") if p.isascii() is False else Reply(p, None) for p in prompts
        ]


def test_a_model_refusing_what_the_other_takes_says_why_in_its_column():
    with running(build_app({"A: one": Upper("!"), "B: two": Picky()}, 100)) as url:
        status, body = post(url, json.dumps({"message": "hi"}).encode())
    assert status == 200
    assert body["replies"][0]["reply"] == "HI!"
    assert body["replies"][1] == {
        "model": "B: two",
        "reply": None,
        "notice": "this model cannot answer this message",
    }


def test_columns_are_headed_by_run_corpus_and_decoding_and_show_a_waiting_sign():
    from types import SimpleNamespace

    from rnn_pipeline.chat import ResponderConfig
    from rnn_pipeline.cli.chat_web import column_heading, render_page
    from rnn_pipeline.cli.choice import ModelRun
    from rnn_pipeline.text.cleaning import CleaningRules

    run = ModelRun("...", "f" * 32, "chatbot gru 1x512 e5/100 lost.conv", "lost.conv")
    config = ResponderConfig(CleaningRules(), 12, 7, "beam", {"num_beams": 4})
    label, details = column_heading("A", "2", SimpleNamespace(config=config), run)
    assert label == "A: chatbot gru 1x512 e5/100 lost.conv"
    assert details == [f"run {'f' * 32}", "corpus: lost.conv", "decoding: beam"]
    # A model whose run is unknown is named by the --model given.
    assert column_heading("B", "2026-01-01T00.00.00.000Z", None, None) == (
        "B: 2026-01-01T00.00.00.000Z",
        ["corpus: not recorded"],
    )
    page = render_page([label], {label: details})
    assert '<div class="detail">decoding: beam</div>' in page
    assert "… thinking" in page and "send.disabled = true" in page
