"""Project commands, discovered by Kedro: ``kedro chat``, ``kedro translate``,
``kedro generate``, ``kedro serve``, and ``kedro run`` with one-line messages for
input errors."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click
from kedro.framework.cli.project import run as _kedro_run
from kedro.framework.project import configure_project
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.io import DatasetError

from rnn_pipeline.datasets.raw_text_dataset import MissingCorpusError
from rnn_pipeline.datasets.trained_model import load_trained
from rnn_pipeline.text.errors import UserInputError
from rnn_pipeline.text.vocab import PairVocabulary

EXIT_WORDS = {"exit", "quit", ":q"}
# Show the full traceback of input errors too (for debugging the project itself).
TRACEBACK_ENV = "RNN_PIPELINE_TRACEBACK"


@click.group(name="rnn_pipeline")
def cli() -> None:
    """Commands of the rnn_pipeline project."""


def _user_error(exc: BaseException) -> BaseException | None:
    """The first error in ``exc``'s chain that a user can fix, if any."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, UserInputError | MissingCorpusError):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _one_line_errors(callback):
    """Turn input errors raised inside ``callback`` into one-line CLI errors."""

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except Exception as exc:
            cause = _user_error(exc)
            if cause is None or os.environ.get(TRACEBACK_ENV):
                raise
            raise click.ClickException(str(cause).strip()) from None

    return wrapper


# Kedro's own `kedro run`, every option kept, with input errors shown as one line.
run = click.Command(
    name="run",
    params=_kedro_run.params,
    callback=_one_line_errors(_kedro_run.callback),
    help=_kedro_run.help,
    short_help=_kedro_run.short_help,
    context_settings=_kedro_run.context_settings,
)
cli.add_command(run)


def _load_trained(namespace: str, env: str | None) -> tuple[object, dict, dict]:
    """Latest model and vocabulary of ``namespace`` through the catalog, and params."""
    metadata = bootstrap_project(Path.cwd())
    configure_project(metadata.package_name)
    with KedroSession.create(project_path=metadata.project_path, env=env) as session:
        context = session.load_context()
        params = context.params.get(namespace, {})
        try:
            model, vocabulary = load_trained(context.catalog, namespace)
        except DatasetError as exc:
            raise click.ClickException(
                f"no trained {namespace} model was found ({_first_line(exc)}). "
                f"Train one first: kedro run --pipelines {namespace}"
                + ("  (or: make run)" if namespace == "chatbot" else "")
            ) from None
    return model, vocabulary, params


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200]


def make_responder(namespace: str = "chatbot", env: str | None = None, **overrides):
    """A ``Responder`` over the latest trained model of ``namespace``."""
    from rnn_pipeline.chat import Responder
    from rnn_pipeline.pipelines.seq2seq.nodes import cleaning_rules
    from rnn_pipeline.pipelines.seq2seq.options import (
        BucketOptions,
        EvaluationOptions,
        parse,
    )

    model, vocabulary, params = _load_trained(namespace, env)
    evaluation = parse(EvaluationOptions, params.get("evaluation_options"))
    buckets = parse(BucketOptions, params.get("bucket_options"))
    try:
        return Responder(
            model,
            PairVocabulary.from_dict(vocabulary),
            cleaning_rules(
                params.get("cleaning_options"), params.get("bucket_options")
            ),
            buckets.max_source_len,
            overrides.get("max_length") or evaluation.max_reply_length,
            overrides.get("sampler") or evaluation.sampler,
            overrides.get("sampler_options") or evaluation.sampler_options,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def decoding_options(function):
    """The decoding options shared by ``chat`` and ``translate``."""
    options = [
        click.option("--env", "-e", default=None, help="Kedro configuration env."),
        click.option(
            "--sampler",
            type=click.Choice(["greedy", "beam", "temperature", "top_k", "top_p"]),
            default=None,
            help="Decoding rule (default: evaluation_options.sampler).",
        ),
        click.option("--temperature", type=float, default=None, help="Temperature."),
        click.option("--k", "top_k", type=int, default=None, help="k of top_k."),
        click.option("--p", "top_p", type=float, default=None, help="p of top_p."),
        click.option("--beams", type=int, default=None, help="Beam width (beam)."),
        click.option(
            "--length-penalty", type=float, default=None, help="Beam length penalty."
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _sampler_overrides(sampler, temperature, top_k, top_p, beams, length_penalty):
    options = {
        "temperature": temperature,
        "k": top_k,
        "p": top_p,
        "num_beams": beams,
        "length_penalty": length_penalty,
    }
    return {
        "sampler": sampler,
        "sampler_options": {k: v for k, v in options.items() if v is not None},
    }


def _converse(responder, message: str | None, ask: str, answer: str, hint: str):
    """Answer ``message`` once, or run the interactive loop until Ctrl-D/exit."""
    if message is not None:
        reply = responder.reply([message])[0]
        if reply.message:
            click.echo(reply.message, err=True)
        if reply.reply is None:
            raise SystemExit(1)
        click.echo(reply.reply)
        return
    click.echo(f"{hint} Ctrl-D or 'exit' ends.")
    while True:
        try:
            line = input(ask)
        except (EOFError, KeyboardInterrupt):
            click.echo()
            break
        if line.strip().lower() in EXIT_WORDS:
            break
        reply = responder.reply([line])[0]
        if reply.message:
            click.echo(reply.message)
        if reply.reply is not None:
            click.echo(f"{answer}{reply.reply}")


@cli.command()
@click.argument("message", required=False)
@decoding_options
def chat(message: str | None, env: str | None, **decoding) -> None:
    """Talk to the trained chatbot (ask > / answer >).

    With MESSAGE, answer it once and exit (for scripts).
    """
    responder = make_responder("chatbot", env, **_sampler_overrides(**decoding))
    _converse(responder, message, "ask > ", "answer > ", "Type a message in Chinese;")


@cli.command()
@click.argument("text", required=False)
@decoding_options
def translate(text: str | None, env: str | None, **decoding) -> None:
    """Translate with the trained translation model (source > / target >).

    With TEXT, translate it once and exit (for scripts).
    """
    responder = make_responder("translation", env, **_sampler_overrides(**decoding))
    _converse(responder, text, "source > ", "target > ", "Type a sentence;")


def latest_served_model(namespace: str) -> str:
    """URI of the newest pyfunc model the ``namespace`` pipeline logged to MLflow."""
    import mlflow

    name = f"{namespace}_pyfunc"
    experiments = [e.experiment_id for e in mlflow.search_experiments()]
    models = mlflow.search_logged_models(
        experiment_ids=experiments,
        filter_string=f"name = '{name}'",
        order_by=[{"field_name": "creation_time", "ascending": False}],
        max_results=1,
        output_format="list",
    )
    if not models:
        raise click.ClickException(
            f"no {name} model is logged in {mlflow.get_tracking_uri()}. "
            f"Train one first: kedro run --pipelines {namespace}"
        )
    return models[0].model_uri


@cli.command()
@click.option("--namespace", default="chatbot", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5001, show_default=True, type=int)
@click.option("--env", "-e", default=None, help="Kedro configuration environment.")
def serve(namespace: str, host: str, port: int, env: str | None) -> None:
    """Serve the latest trained model of NAMESPACE over HTTP with MLflow.

    POST /invocations with {"inputs": ["你好"]} answers {"predictions": [{"reply":
    ..., "notice": ...}]}. Binds 127.0.0.1 unless --host says otherwise.
    """
    import mlflow

    metadata = bootstrap_project(Path.cwd())
    configure_project(metadata.package_name)
    with KedroSession.create(project_path=metadata.project_path, env=env) as session:
        session.load_context()  # kedro-mlflow points MLflow at the project's store
        uri = latest_served_model(namespace)
        tracking_uri = mlflow.get_tracking_uri()
    click.echo(f"Serving {uri} on http://{host}:{port}/invocations", err=True)
    bin_dir = str(Path(sys.executable).parent)
    env_vars = {
        **os.environ,
        "MLFLOW_TRACKING_URI": tracking_uri,
        # mlflow starts uvicorn from PATH: use this environment's.
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
    }
    command = [
        str(Path(bin_dir) / "mlflow"), "models", "serve", "-m", uri,
        "--env-manager", "local", "--host", host, "--port", str(port),
    ]  # fmt: skip
    os.execve(command[0], command, env_vars)


@cli.command()
@click.option(
    "--namespace",
    "-n",
    default="code",
    show_default=True,
    help="Which char-RNN corpus: poetry, shakespeare or code.",
)
@click.option(
    "--start",
    "starts",
    multiple=True,
    help="Start string (repeatable; default: sampling_options.start_strings).",
)
@click.option("--length", type=int, default=None, help="Characters to generate.")
@click.option("--env", "-e", default=None, help="Kedro configuration environment.")
@click.option(
    "--sampler",
    type=click.Choice(["greedy", "temperature", "top_k", "top_p"]),
    default=None,
    help="Sampling rule (default: sampling_options.sampler).",
)
@click.option("--temperature", type=float, default=None, help="Sampler temperature.")
@click.option("--k", "top_k", type=int, default=None, help="k of the top_k sampler.")
@click.option("--p", "top_p", type=float, default=None, help="p of the top_p sampler.")
@click.option("--seed", type=int, default=None, help="Seed of the random choices.")
def generate(
    namespace: str,
    starts: tuple[str, ...],
    length: int | None,
    env: str | None,
    sampler: str | None,
    temperature: float | None,
    top_k: int | None,
    top_p: float | None,
    seed: int | None,
) -> None:
    """Write text with a trained char-RNN, continuing each start string."""
    from rnn_pipeline import samplers
    from rnn_pipeline.models.char_rnn_generator import CharRNNGenerator, generate_texts
    from rnn_pipeline.pipelines.char_rnn import NAMESPACES
    from rnn_pipeline.pipelines.char_rnn.options import SamplingOptions, parse
    from rnn_pipeline.text.vocab import Vocabulary

    if namespace not in NAMESPACES:
        raise click.ClickException(
            f"--namespace must be one of {', '.join(NAMESPACES)}, got {namespace!r}"
        )
    model, vocabulary, params = _load_trained(namespace, env)
    options = {
        key: value
        for key, value in (
            ("temperature", temperature),
            ("k", top_k),
            ("p", top_p),
            ("seed", seed),
        )
        if value is not None
    }
    try:
        defaults = parse(SamplingOptions, params.get("sampling_options"))
        name = sampler or defaults.sampler
        # The YAML options belong to the YAML sampler; another sampler starts afresh.
        base = defaults.sampler_options if name == defaults.sampler else {}
        generator = CharRNNGenerator(
            model, samplers.get(name, **{**base, **options}), length or defaults.length
        )
        generated = generate_texts(
            generator,
            Vocabulary.from_dict(vocabulary),
            list(starts) or defaults.start_strings,
        )
    except (ValueError, TypeError) as exc:
        raise click.ClickException(_first_line(exc)) from None
    for sample in generated:
        if sample.unknown:
            click.echo(
                f"note: {''.join(sample.unknown)!r} not in the {namespace} vocabulary, "
                "read as <unk>",
                err=True,
            )
        click.echo(sample.text)
