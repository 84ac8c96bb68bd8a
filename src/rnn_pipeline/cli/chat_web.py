"""``kedro chat-web``: chat with a trained model in a browser, two models side by side.

A FastAPI app (the stack MLflow already installs) on uvicorn, bound to 127.0.0.1:
``GET /`` is one self-contained page (no CDN, no external script or font), ``POST
/api/reply`` answers ``{"message": "..."}`` with each loaded model's reply, or the
same notice the CLI gives (empty input, Chinese only, too long).
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import click
from pydantic import BaseModel

from rnn_pipeline.cli.choice import MODEL_HELP
from rnn_pipeline.cli.converse import make_responder
from rnn_pipeline.cli.loading import quiet_kedro_logs

PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>rnn_pipeline chat</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 60em; }}
#log {{ display: grid; grid-template-columns: repeat({columns}, 1fr); gap: .5em; }}
.head {{ font-weight: bold; border-bottom: 1px solid #888; }}
.you {{ grid-column: 1 / -1; color: #333; margin-top: .6em; }}
.reply {{ background: #eef; padding: .3em; }} .notice {{ color: #a40; }}
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
}}
document.getElementById("form").addEventListener("submit", async (event) => {{
  event.preventDefault();
  const box = document.getElementById("message");
  const message = box.value; box.value = "";
  add("you > " + message, "you");
  const response = await fetch("api/reply", {{method: "POST",
    headers: {{"Content-Type": "application/json"}},
    body: JSON.stringify({{message: message}})}});
  const body = await response.json();
  if (!response.ok) {{ add(body.detail, "notice you"); return; }}
  for (const answer of body.replies) {{
    if (answer.reply === null) add(answer.notice, "notice reply");
    else add(answer.reply || "(an empty reply)", "reply");
  }}
}});
</script></body></html>
"""


class Message(BaseModel):
    """The body of ``POST /api/reply``."""

    message: str


def render_page(labels: list[str]) -> str:
    """The page: one column per model, named by which model it is."""
    heads = "".join(f'<div class="head">{html.escape(label)}</div>' for label in labels)
    title = " and ".join(html.escape(label) for label in labels)
    return PAGE.format(columns=len(labels), heads=heads, title=title)


def build_app(responders: Mapping[str, object], max_message_chars: int):
    """The FastAPI app over ``{label: Responder}`` (one or two models); longer
    messages than ``max_message_chars`` are refused with a 400."""
    from fastapi import FastAPI, HTTPException
    from fastapi.responses import HTMLResponse

    app = FastAPI(title="rnn_pipeline chat", docs_url=None, redoc_url=None)
    page = render_page(list(responders))

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return page

    @app.post("/api/reply")
    def reply(request: Message) -> dict:
        if len(request.message) > max_message_chars:
            raise HTTPException(
                400,
                f"expected a message of at most {max_message_chars} characters, "
                f"got {len(request.message)}",
            )
        answers = []
        for label, responder in responders.items():
            answer = responder.reply([request.message])[0]
            answers.append(
                {"model": label, "reply": answer.reply, "notice": answer.message or ""}
            )
        return {"replies": answers}

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
    responders = {}
    with quiet_kedro_logs():
        for index, choice in enumerate(choices):
            label = f"{'AB'[index]}: {choice or 'default model'}"
            responders[label] = make_responder(namespace, env, choice)
    click.echo(f"Chat page on http://{host}:{port}/ (Ctrl-C ends)", err=True)
    app = build_app(responders, limits.max_message_chars)
    uvicorn.run(app, host=host, port=port, log_level="warning")
