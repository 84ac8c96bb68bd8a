"""Project commands, discovered by Kedro: ``kedro chat``, ``kedro translate``,
``kedro generate``, ``kedro serve``, and ``kedro run`` with one-line messages for
input errors.

One module per concern: ``errors`` (one-line errors, ``kedro run``), ``loading``
(the trained model of a namespace), ``converse`` (chat and translate), ``serve``,
``generate``. Heavy libraries (TensorFlow, MLflow) are imported where a command
needs them, so ``--help`` and input checks answer at once.
"""

from __future__ import annotations

import click


@click.group(name="rnn_pipeline")
def cli() -> None:
    """Commands of the rnn_pipeline project."""


from rnn_pipeline.cli.converse import chat, translate  # noqa: E402
from rnn_pipeline.cli.errors import run  # noqa: E402
from rnn_pipeline.cli.generate import generate  # noqa: E402
from rnn_pipeline.cli.serve import serve  # noqa: E402

for command in (run, chat, translate, serve, generate):
    cli.add_command(command)
