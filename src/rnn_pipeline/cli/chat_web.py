"""``kedro chat-web``: chat with a trained model in a browser, two models side by side.

A FastAPI app (the stack MLflow already installs) on uvicorn, bound to 127.0.0.1:
``GET /`` is one self-contained page (no CDN, no external script or font), ``POST
/api/reply`` answers ``{"message": "..."}`` with each loaded model's reply, or the
same notice the CLI gives (empty input, Chinese only, too long). Any other body
(not JSON, not an object, no string ``message``, too long) is a 400 whose
``{"detail": "..."}`` is one line saying what was expected and what came in.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping

import click

from rnn_pipeline.cli.choice import MODEL_HELP
from rnn_pipeline.cli.converse import build_responder
from rnn_pipeline.cli.loading import quiet_kedro_logs

PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>rnn_pipeline chat</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 60em; }}
#log {{ display: grid; grid-template-columns: repeat({columns}, 1fr); gap: .5em; }}
.head {{ font-weight: bold; border-bottom: 1px solid #888; }}
.you {{ grid-column: 1 / -1; color: #333; margin-top: .6em; }}
.reply {{ background: #eef; padding: .3em; }} .notice {{ color: #a40; }}
.detail {{ font-weight: normal; font-size: .85em; color: #555; }}
.waiting {{ color: #888; font-style: italic; }}
</style></head><body>
<h1>Chat with {title}</h1>
<div id="log">{heads}</div>
<form id="form"><input id="message" autocomplete="off" size="50" autofocus>
<button id="send" type="submit">Send</button></form>
<script>
const log = document.getElementById("log");
function add(text, kind) {{
  const cell = document.createElement("div");
  cell.className = kind; cell.textContent = text; log.appendChild(cell);
  return cell;
}}
function show(cell, text, kind) {{ cell.textContent = text; cell.className = kind; }}
document.getElementById("form").addEventListener("submit", async (event) => {{
  event.preventDefault();
  const box = document.getElementById("message");
  const message = box.value; box.value = "";
  add("you > " + message, "you");
  // One waiting sign per column until the models have answered.
  const cells = [];
  for (let i = 0; i < {columns}; i++) cells.push(add("… thinking", "waiting"));
  const send = document.getElementById("send"); send.disabled = true;
  try {{
    const response = await fetch("api/reply", {{method: "POST",
      headers: {{"Content-Type": "application/json"}},
      body: JSON.stringify({{message: message}})}});
    const body = await response.json();
    if (!response.ok) {{
      cells.forEach((cell) => cell.remove()); add(body.detail, "notice you"); return;
    }}
    body.replies.forEach((answer, i) => {{
      // A model that refuses says why in its own column.
      if (answer.reply === null) show(cells[i], answer.notice, "notice reply");
      else show(cells[i], answer.reply || answer.notice || "(an empty reply)", "reply");
    }});
  }} catch (error) {{
    cells.forEach((cell) => show(cell, "no answer: " + error, "notice reply"));
  }} finally {{ send.disabled = false; }}
}});
</script></body></html>
"""


EXPECTED_BODY = 'expected a JSON object {"message": "..."}'
JSON_KINDS = {list: "a list", str: "a string", bool: "a boolean"}


def _kind(value: object) -> str:
    """How a parsed JSON value is named in errors."""
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return JSON_KINDS.get(type(value), type(value).__name__)


def message_of(body: bytes, content_type: str) -> str:
    """The message of a ``POST /api/reply`` body.

    Raises:
        ValueError: One line saying what was expected and what came in: another
            content type, malformed JSON, not an object, no string ``message``.
    """
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/json":
        raise ValueError(
            f"{EXPECTED_BODY} with Content-Type application/json, got "
            f"{media_type or 'no Content-Type'}"
        )
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else exc.reason
        raise ValueError(f"{EXPECTED_BODY}, got malformed JSON ({reason})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{EXPECTED_BODY}, got {_kind(data)}")
    if "message" not in data:
        raise ValueError(
            f'{EXPECTED_BODY}, got an object without "message" (keys {sorted(data)})'
        )
    if not isinstance(data["message"], str):
        raise ValueError(
            f'expected "message" to be a string, got {_kind(data["message"])}'
        )
    return data["message"]


def render_page(
    labels: list[str], details: Mapping[str, list[str]] | None = None
) -> str:
    """The page: one column per model, headed by which model it is and, below the
    label, its ``details`` (run, corpus, decoding)."""
    heads = "".join(
        f'<div class="head">{html.escape(label)}'
        + "".join(
            f'<div class="detail">{html.escape(line)}</div>'
            for line in (details or {}).get(label, [])
        )
        + "</div>"
        for label in labels
    )
    title = " and ".join(html.escape(label) for label in labels)
    return PAGE.format(columns=len(labels), heads=heads, title=title)


def column_heading(
    letter: str, choice: str | None, responder, run
) -> tuple[str, list[str]]:
    """A column's label (``A: <run name>``) and detail lines: the run id, the
    corpus and the decoding the model answers with (its run's sampler unless
    overridden)."""
    name = getattr(run, "run_name", None) or choice or "default model"
    details = []
    if getattr(run, "run_id", None):
        details.append(f"run {run.run_id}")
    details.append(f"corpus: {getattr(run, 'corpus', None) or 'not recorded'}")
    config = getattr(responder, "config", None)
    if config is not None:
        details.append(f"decoding: {config.sampler}")
    return f"{letter}: {name}", details


def build_app(
    responders: Mapping[str, object],
    max_message_chars: int,
    details: Mapping[str, list[str]] | None = None,
):
    """The FastAPI app over ``{label: Responder}`` (one or two models), each column
    headed by its label and ``details``; longer messages than ``max_message_chars``
    are refused with a 400."""
    from fastapi import FastAPI, HTTPException
    from fastapi.concurrency import run_in_threadpool
    from fastapi.responses import HTMLResponse, JSONResponse

    app = FastAPI(title="rnn_pipeline chat", docs_url=None, redoc_url=None)
    page = render_page(list(responders), details)

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return page

    def answer(message: str) -> dict:
        answers = []
        for label, responder in responders.items():
            reply = responder.reply([message])[0]
            notice = reply.message or ""
            if reply.reply is None and not notice:  # a refusal always says why
                notice = "this model cannot answer this message"
            answers.append({"model": label, "reply": reply.reply, "notice": notice})
        return {"replies": answers}

    # A plain route reading the body itself: with a pydantic model, FastAPI answers
    # a bad body with a 422 listing validation objects, not one line.
    async def reply(request) -> JSONResponse:
        try:
            message = message_of(
                await request.body(), request.headers.get("content-type", "")
            )
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
        if len(message) > max_message_chars:
            raise HTTPException(
                400,
                f"expected a message of at most {max_message_chars} characters, "
                f"got {len(message)}",
            )
        # The models answer in a worker thread, leaving the event loop free.
        return JSONResponse(await run_in_threadpool(answer, message))

    app.add_route("/api/reply", reply, methods=["POST"])

    return app


@click.command(name="chat-web")
@click.option("--namespace", default="chatbot", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5002, show_default=True, type=int)
@click.option("--env", "-e", default=None, help="Kedro configuration environment.")
@click.option("--model", default=None, help=MODEL_HELP)
@click.option(
    "--compare", default=None, help="A second model, answering beside the first."
)
def chat_web(
    namespace: str,
    host: str,
    port: int,
    env: str | None,
    model: str | None,
    compare: str | None,
) -> None:
    """Chat with a trained model of NAMESPACE in a browser (127.0.0.1 by default);
    with --compare, two models answer each message side by side."""
    import uvicorn

    from rnn_pipeline.serving.seq2seq_pyfunc import RequestLimits

    try:  # the served model's limit (RNN_PIPELINE_MAX_MESSAGE_CHARS), checked first
        limits = RequestLimits.from_env()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    choices = [model] if compare is None else [model, compare]
    responders, details = {}, {}
    with quiet_kedro_logs():
        for letter, choice in zip("AB", choices, strict=False):
            responder, run = build_responder(namespace, env, choice)
            label, lines = column_heading(letter, choice, responder, run)
            responders[label], details[label] = responder, lines
    click.echo(f"Chat page on http://{host}:{port}/ (Ctrl-C ends)", err=True)
    app = build_app(responders, limits.max_message_chars, details)
    uvicorn.run(app, host=host, port=port, log_level="warning")
