"""Project commands, discovered by Kedro: ``kedro chat``, ``kedro translate``,
``kedro generate``, ``kedro serve``, ``kedro chat-web``, and ``kedro run`` with
one-line messages for input errors.

One module per concern: ``errors`` (one-line errors, ``kedro run``), ``choice``
(which model ``--model`` names), ``loading`` (the trained model of a namespace),
``converse`` (chat and translate), ``serve``, ``generate``, ``chat_web`` (the page).
Heavy libraries (TensorFlow, MLflow) are imported where a command needs them, so
``--help`` and input checks answer at once.
"""

from __future__ import annotations

import click

from rnn_pipeline import quiet

quiet.install()  # no CUDA, OmegaConf or MLflow noise in a command's output


@click.group(name="rnn_pipeline")
def cli() -> None:
    """Commands of the rnn_pipeline project."""


from rnn_pipeline.cli.chat_web import chat_web  # noqa: E402
from rnn_pipeline.cli.converse import chat, translate  # noqa: E402
from rnn_pipeline.cli.errors import run  # noqa: E402
from rnn_pipeline.cli.generate import generate  # noqa: E402
from rnn_pipeline.cli.serve import serve  # noqa: E402

for command in (run, chat, translate, serve, generate, chat_web):
    cli.add_command(command)
