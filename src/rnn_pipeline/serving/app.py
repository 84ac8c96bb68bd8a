"""The HTTP app ``kedro serve`` runs: MLflow's scoring server behind two guards.

- A request body over ``max_request_bytes`` (``RNN_PIPELINE_MAX_REQUEST_BYTES``,
  default 2 MiB) is refused with HTTP 413 and one line, before MLflow reads it.
- An error answer keeps the first line of MLflow's message, at most
  ``ERROR_CHARS`` characters, and no stack trace: MLflow's errors echo the request
  (a 30 MB request got a 62.9 MB answer). A server error's full text is logged.

Started as ``uvicorn --factory rnn_pipeline.serving.app:create_app`` with the model
URI in ``RNN_PIPELINE_SERVED_MODEL``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from rnn_pipeline import quiet
from rnn_pipeline.serving.seq2seq_pyfunc import RequestLimits

logger = logging.getLogger(__name__)

SERVED_MODEL_ENV = "RNN_PIPELINE_SERVED_MODEL"
ERROR_CHARS = 300

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def send_json(send: Send, status: int, body: dict) -> None:
    """Send a whole JSON response."""
    content = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(content)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


class BodyLimit:
    """Refuses a request body over ``max_bytes`` with a 413 naming the limit.

    A declared ``Content-Length`` over the limit is refused before any of the body
    is kept; otherwise the body (chunked or not) is read, counted as it arrives, and
    handed to the app only when it is within the limit. A refused body is read to
    its end without being kept, so the client gets the answer, not a reset.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send, await self._drain(receive, 0))
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.max_bytes:
                await self._refuse(
                    send, await self._drain(receive, size) if more else size
                )
                return
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    @staticmethod
    async def _drain(receive: Receive, size: int) -> int:
        """Read the rest of the body without keeping it; the whole body's size."""
        more = True
        while more:
            message = await receive()
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        return size

    async def _refuse(self, send: Send, size: int) -> None:
        await send_json(
            send,
            413,
            {
                "error_code": "REQUEST_LIMIT_EXCEEDED",
                "message": f"expected a request body of at most {self.max_bytes:,} "
                f"bytes, got {size:,} (RNN_PIPELINE_MAX_REQUEST_BYTES sets the limit)",
            },
        )


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` whole, then what ``receive`` gives."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


def one_line(text: str) -> str:
    """The line of an MLflow error message that says what went wrong, cut to
    ``ERROR_CHARS`` characters: the first line or, where MLflow put the request
    before the cause ("Failed to predict data '<data>'. Error: <cause>", "Failed to
    enforce schema of data '<data>' ... Error: <cause>"), the cause."""
    text = text.strip()
    if text.startswith("Failed to ") and "Error: " in text:
        text = text.rsplit("Error: ", 1)[1]
    first = (text.splitlines() or [""])[0]
    if len(first) > ERROR_CHARS:
        first = first[:ERROR_CHARS] + f"... ({len(first):,} characters)"
    return first


def short_error(body: bytes) -> dict:
    """An MLflow error body (``{"error_code", "message", "stack_trace"}`` or plain
    text) as ``{"error_code", "message"}`` with a one-line message."""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict) and "message" in data:
        return {
            "error_code": data.get("error_code", "BAD_REQUEST"),
            "message": one_line(str(data["message"])),
        }
    return {
        "error_code": "BAD_REQUEST",
        "message": one_line(body.decode(errors="replace")),
    }


class OneLineErrors:
    """Answers an error of the app with ``short_error`` of its body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status, chunks = 0, []

        async def shortened(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if status < 400:
                    await send(message)
                return
            if status < 400:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                body = b"".join(chunks)
                if status >= 500:
                    logger.error(
                        "Server error %d: %s", status, body.decode("utf-8", "replace")
                    )
                await send_json(send, status, short_error(body))

        await self.app(scope, receive, shortened)


def guard(app: ASGIApp, limits: RequestLimits) -> ASGIApp:
    """``app`` with one-line errors, behind the request body limit."""
    return BodyLimit(OneLineErrors(app), limits.max_request_bytes)


def create_app() -> ASGIApp:
    """MLflow's scoring server of the model ``RNN_PIPELINE_SERVED_MODEL`` names,
    guarded (uvicorn's ``--factory``).

    Raises:
        ValueError: If a limit variable is set but is not a positive integer.
    """
    quiet.install()  # the server's own process: no TensorFlow start-up noise
    import mlflow
    from mlflow.pyfunc import scoring_server

    limits = RequestLimits.from_env()
    model = mlflow.pyfunc.load_model(os.environ[SERVED_MODEL_ENV])
    return guard(scoring_server.init(model), limits)
