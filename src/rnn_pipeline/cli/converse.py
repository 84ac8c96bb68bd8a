"""``kedro chat`` and ``kedro translate``: a seq2seq model answering what is typed.

The prompt shows at once: the model loads in a background thread while the first
line is typed, and the first answer waits for it. Input that cannot be answered
(empty, for one) is refused before anything is loaded. The loop has line editing
and history (``readline``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import click

from rnn_pipeline.cli.choice import MODEL_HELP
from rnn_pipeline.cli.loading import MODEL_RUN, load_trained, quiet_kedro_logs
from rnn_pipeline.samplers.options import REGISTRY

EXIT_WORDS = {"exit", "quit", ":q"}
EMPTY_MESSAGE = "Please type a message."


def make_responder(
    namespace: str = "chatbot",
    env: str | None = None,
    model: str | None = None,
    **overrides,
):
    """A ``Responder`` over the trained model of ``namespace`` that ``model``
    chooses (``choice.choose``; by default the champion, else the newest), answering
    with the ``ResponderConfig`` its run saved; ``overrides`` (``sampler``,
    ``sampler_options``, ``max_length``) change only the decoding."""
    return build_responder(namespace, env, model, **overrides)[0]


def build_responder(
    namespace: str = "chatbot",
    env: str | None = None,
    model: str | None = None,
    **overrides,
):
    """``make_responder``'s responder and the ``choice.ModelRun`` of its model
    (None when the loader did not say)."""
    from rnn_pipeline.chat import Responder
    from rnn_pipeline.pipelines.seq2seq.options import (
        EvaluationOptions,
        parse,
        responder_config,
    )
    from rnn_pipeline.text.errors import OptionsError

    trained, vocabulary, params, saved = load_trained(
        namespace, env, ("responder_config", "reply_language_model"), model=model
    )
    # Models saved before the configuration was kept answer with today's settings.
    config = saved["responder_config"] or responder_config(params)
    sampler = overrides.get("sampler") or config.sampler
    config = config.with_decoding(
        overrides.get("sampler"),
        named_for(sampler, overrides.get("sampler_options") or {}) or None,
        overrides.get("max_length"),
    )
    try:  # options from the command line are checked like the YAML ones
        parse(
            EvaluationOptions,
            {"sampler": config.sampler, "sampler_options": config.sampler_options},
        )
    except OptionsError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        responder = Responder(
            trained,
            vocabulary,
            config,
            language_model=saved["reply_language_model"],
        )
        return responder, saved.get(MODEL_RUN)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


class BackgroundResponder:
    """Builds a responder in a thread; ``get`` waits for it (or re-raises its error)."""

    def __init__(self, build: Callable[[], object]) -> None:
        self._build = build
        self._result: object = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with quiet_kedro_logs():
                self._result = self._build()
        except BaseException as exc:  # handed to the main thread by get()
            self._error = exc

    def get(self):
        """The responder, once built."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result


def decoding_options(function):
    """The decoding options shared by ``chat`` and ``translate``."""
    options = [
        click.option("--env", "-e", default=None, help="Kedro configuration env."),
        click.option("--model", default=None, help=MODEL_HELP),
        click.option(
            "--sampler",
            type=click.Choice(list(REGISTRY)),
            default=None,
            help="Decoding rule (default: evaluation_options.sampler).",
        ),
        click.option("--temperature", type=float, default=None, help="Temperature."),
        click.option(
            "--k",
            "top_k",
            type=int,
            default=None,
            help="k of top_k; the largest nucleus of top_p and of mmi's samples.",
        ),
        click.option("--p", "top_p", type=float, default=None, help="p of top_p."),
        click.option("--beams", type=int, default=None, help="Beam width (beam)."),
        click.option(
            "--length-penalty", type=float, default=None, help="Beam length penalty."
        ),
        click.option(
            "--mmi-weight",
            type=float,
            default=None,
            help="Weight of the reply language model (mmi).",
        ),
        click.option(
            "--candidates",
            type=click.Choice(["beam", "sample"]),
            default=None,
            help="What mmi reranks: the beam, or --beams nucleus samples (--p).",
        ),
        click.option(
            "--overlap-weight",
            type=float,
            default=None,
            help="Weight of the characters a reply shares with the prompt (mmi).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def sampler_overrides(
    sampler,
    temperature,
    top_k,
    top_p,
    beams,
    length_penalty,
    mmi_weight=None,
    candidates=None,
    overlap_weight=None,
) -> dict:
    """Command-line decoding options as ``make_responder`` overrides, named as
    ``sampler`` names them (``--k`` is top_k's ``k`` and the largest nucleus
    ``top_k`` of top_p and of mmi's samples); without a sampler, as flags
    (``build_responder`` names them for the configured one)."""
    options = {
        "temperature": temperature,
        "k": top_k,
        "p": top_p,
        "num_beams": beams,
        "length_penalty": length_penalty,
        "mmi_weight": mmi_weight,
        "candidates": candidates,
        "overlap_weight": overlap_weight,
    }
    given = {k: v for k, v in options.items() if v is not None}
    return {
        "sampler": sampler,
        "sampler_options": named_for(sampler, given) if sampler else given,
    }


# A command-line flag -> the names samplers give that option, in order.
FLAG_NAMES = {"k": ("k", "top_k"), "p": ("p", "top_p")}


def named_for(sampler: str, options: dict) -> dict:
    """``options`` with each flag (``k``, ``p``) renamed to the option of that
    meaning ``sampler`` takes (the registry's option names); a sampler taking none
    keeps the flag's name, which its validation then reports."""
    taken = REGISTRY[sampler].option_names() if sampler in REGISTRY else ()
    renamed = {}
    for key, value in options.items():
        names = FLAG_NAMES.get(key, (key,))
        renamed[next((n for n in names if n in taken), key)] = value
    return renamed


def answer_once(build: Callable[[], object], message: str) -> None:
    """Answer ``message`` on stdout (notices on stderr); exit 1 when refused."""
    if not message.strip():
        raise click.ClickException(EMPTY_MESSAGE)  # no model needed to say so
    with quiet_kedro_logs():
        responder = build()
    reply = responder.reply([message])[0]
    if reply.message:
        click.echo(reply.message, err=True)
    if reply.reply is None:
        raise SystemExit(1)
    click.echo(reply.reply)


def enable_line_editing() -> None:
    """Arrow keys, history and Ctrl-R in ``input()``, where readline exists."""
    with contextlib.suppress(ImportError):  # not on every platform
        import readline  # noqa: F401  (importing it is what enables editing)


def converse(build: Callable[[], object], ask: str, answer: str, hint: str) -> None:
    """The interactive loop until Ctrl-D or an exit word."""
    enable_line_editing()
    responder = BackgroundResponder(build)
    click.echo(f"{hint} Ctrl-D or 'exit' ends.")
    while True:
        try:
            line = input(ask)
        except (EOFError, KeyboardInterrupt):
            click.echo()
            break
        if line.strip().lower() in EXIT_WORDS:
            break
        if not line.strip():
            click.echo(EMPTY_MESSAGE)
            continue
        reply = responder.get().reply([line])[0]
        if reply.message:
            click.echo(reply.message)
        if reply.reply:  # an empty answer is told by the message above
            click.echo(f"{answer}{reply.reply}")


@click.command()
@click.argument("message", required=False)
@decoding_options
def chat(message: str | None, env: str | None, model: str | None, **decoding) -> None:
    """Talk to the trained chatbot (ask > / answer >).

    With MESSAGE, answer it once and exit (for scripts).
    """

    def build():
        return make_responder("chatbot", env, model, **sampler_overrides(**decoding))

    if message is not None:
        answer_once(build, message)
    else:
        converse(build, "ask > ", "answer > ", "Type a message in Chinese;")


@click.command()
@click.argument("text", required=False)
@decoding_options
def translate(text: str | None, env: str | None, model: str | None, **decoding) -> None:
    """Translate with the trained translation model (source > / target >).

    With TEXT, translate it once and exit (for scripts).
    """

    def build():
        return make_responder(
            "translation", env, model, **sampler_overrides(**decoding)
        )

    if text is not None:
        answer_once(build, text)
    else:
        converse(build, "source > ", "target > ", "Type a sentence;")
