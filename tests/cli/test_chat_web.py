"""The chat page's app over fake responders, through real HTTP on 127.0.0.1."""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def url():
    import uvicorn

    port = free_port()
    app = build_app(
        {"A: one": Upper("!"), "B: <two>": Upper("?")},
        RequestLimits().max_message_chars,
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def post(url: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{url}/api/reply", body, {"Content-Type": "application/json"}
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


def test_bad_requests_are_400s_naming_the_limit_or_422s(url):
    status, body = post(url, json.dumps({"message": "x" * 1001}).encode())
    assert status == 400
    assert body["detail"] == (
        f"expected a message of at most {RequestLimits().max_message_chars} "
        "characters, got 1001"
    )
    assert post(url, b"{not json")[0] == 422
    assert post(url, json.dumps({"text": "hi"}).encode())[0] == 422


def test_the_page_is_self_contained_and_escapes_model_names(url):
    with urllib.request.urlopen(f"{url}/", timeout=10) as response:
        page = response.read().decode()
    assert "B: &lt;two&gt;" in page and "<two>" not in page
    assert "http" not in page.replace('"Content-Type"', "")  # no CDN, no remote asset
