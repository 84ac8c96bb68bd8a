"""``kedro generate``: text from a trained char-RNN, continuing start strings."""

from __future__ import annotations

import click

from rnn_pipeline.cli.choice import MODEL_HELP
from rnn_pipeline.cli.errors import first_line
from rnn_pipeline.cli.loading import load_trained, quiet_kedro_logs

# pipelines.char_rnn.NAMESPACES, named here: importing that package (its nodes, pandas)
# would add about a second to every kedro command.
NAMESPACES = ("poetry", "shakespeare", "code")


@click.command()
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
@click.option("--model", default=None, help=MODEL_HELP)
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
    model: str | None,
    sampler: str | None,
    temperature: float | None,
    top_k: int | None,
    top_p: float | None,
    seed: int | None,
) -> None:
    """Write text with a trained char-RNN, continuing each start string."""
    if namespace not in NAMESPACES:
        raise click.ClickException(
            f"--namespace must be one of {', '.join(NAMESPACES)}, got {namespace!r}"
        )
    if length is not None and length < 1:
        raise click.ClickException(f"--length must be at least 1, got {length}")
    with quiet_kedro_logs():
        trained, vocabulary, params, _ = load_trained(namespace, env, model=model)
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
    for sample in _generate(
        trained, vocabulary, params, sampler, options, starts, length
    ):
        if sample.unknown:
            click.echo(
                f"note: {''.join(sample.unknown)!r} not in the {namespace} vocabulary, "
                "read as <unk>",
                err=True,
            )
        click.echo(sample.text)


def _generate(model, vocabulary, params, sampler, options, starts, length) -> list:
    """Samples for each start string; bad options become one-line errors."""
    from rnn_pipeline import samplers
    from rnn_pipeline.models.char_rnn_generator import CharRNNGenerator, generate_texts
    from rnn_pipeline.pipelines.char_rnn.options import SamplingOptions
    from rnn_pipeline.pipelines.options import parse

    try:
        defaults = parse(SamplingOptions, params.get("sampling_options"))
        name = sampler or defaults.sampler
        # The YAML options belong to the YAML sampler; another sampler starts afresh.
        base = defaults.sampler_options if name == defaults.sampler else {}
        generator = CharRNNGenerator(
            model, samplers.build(name, {**base, **options}), length or defaults.length
        )
        return generate_texts(
            generator,
            vocabulary,
            list(starts) or defaults.start_strings,
        )
    except (ValueError, TypeError) as exc:
        raise click.ClickException(first_line(exc)) from None
