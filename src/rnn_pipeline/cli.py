"""Project commands, discovered by Kedro: ``kedro chat`` and ``kedro generate``."""

from __future__ import annotations

from pathlib import Path

import click
from kedro.framework.project import configure_project
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.io import DatasetError

from rnn_pipeline.text.vocab import PairVocabulary

EXIT_WORDS = {"exit", "quit", ":q"}


@click.group(name="rnn_pipeline")
def cli() -> None:
    """Commands of the rnn_pipeline project."""


def _load_trained(namespace: str, env: str | None) -> tuple[object, dict, dict]:
    """Latest model and vocabulary of ``namespace`` through the catalog, and params."""
    metadata = bootstrap_project(Path.cwd())
    configure_project(metadata.package_name)
    with KedroSession.create(project_path=metadata.project_path, env=env) as session:
        context = session.load_context()
        params = context.params.get(namespace, {})
        try:
            vocabulary = context.catalog.load(f"{namespace}.vocab")
            model = context.catalog.load(f"{namespace}.model")
        except DatasetError as exc:
            raise click.ClickException(
                f"no trained {namespace} model was found ({_first_line(exc)}). "
                f"Train one first: kedro run --pipelines {namespace}  (or: make run)"
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


@cli.command()
@click.argument("message", required=False)
@click.option("--env", "-e", default=None, help="Kedro configuration environment.")
@click.option(
    "--sampler",
    type=click.Choice(["greedy", "temperature", "top_k", "top_p"]),
    default=None,
    help="Decoding rule (default: evaluation_options.sampler).",
)
@click.option("--temperature", type=float, default=None, help="Sampler temperature.")
@click.option("--k", "top_k", type=int, default=None, help="k of the top_k sampler.")
@click.option("--p", "top_p", type=float, default=None, help="p of the top_p sampler.")
def chat(
    message: str | None,
    env: str | None,
    sampler: str | None,
    temperature: float | None,
    top_k: int | None,
    top_p: float | None,
) -> None:
    """Talk to the trained chatbot (ask > / answer >); Ctrl-D or 'exit' ends.

    With MESSAGE, answer it once and exit (for scripts).
    """
    sampler_options = {
        key: value
        for key, value in (("temperature", temperature), ("k", top_k), ("p", top_p))
        if value is not None
    }
    responder = make_responder(
        "chatbot", env, sampler=sampler, sampler_options=sampler_options
    )
    if message is not None:
        reply = responder.reply([message])[0]
        if reply.message:
            click.echo(reply.message, err=True)
        if reply.reply is None:
            raise SystemExit(1)
        click.echo(reply.reply)
        return
    click.echo("Type a message in Chinese; Ctrl-D or 'exit' ends.")
    while True:
        try:
            line = input("ask > ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            break
        if line.strip().lower() in EXIT_WORDS:
            break
        reply = responder.reply([line])[0]
        if reply.message:
            click.echo(reply.message)
        if reply.reply is not None:
            click.echo(f"answer > {reply.reply}")


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
