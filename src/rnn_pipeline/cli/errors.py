"""Input errors a user can fix, shown as one line; ``kedro run`` wrapped to do so."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable

import click
from kedro.framework.cli.project import run as _kedro_run

# Show the full traceback of input errors too (for debugging the project itself).
TRACEBACK_ENV = "RNN_PIPELINE_TRACEBACK"


def _user_error_types() -> tuple[type[BaseException], ...]:
    """The exception types a user can fix (imported late: they pull in datasets)."""
    from rnn_pipeline.datasets.raw_text_dataset import MissingCorpusError
    from rnn_pipeline.text.errors import UserInputError

    return UserInputError, MissingCorpusError


def user_error(exc: BaseException | None) -> BaseException | None:
    """The first error in ``exc``'s chain that a user can fix, if any."""
    from kedro.validation.exceptions import ParameterValidationError

    types = (*_user_error_types(), ParameterValidationError)
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, types):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


_PARAMETER_ERROR = re.compile(r"^- Parameter '([^']+)': (.+)$", re.MULTILINE)


def one_line(exc: BaseException) -> str:
    """A user error's message. Kedro's parameter validation lists one
    ``- Parameter '<key>': <message>`` line per group; they become
    ``invalid <key>: <message>``, as the project's own checks say it."""
    text = str(exc).strip()
    problems = _PARAMETER_ERROR.findall(text)
    if problems:
        return "; ".join(f"invalid {key}: {message}" for key, message in problems)
    return text


def one_line_errors(callback: Callable) -> Callable:
    """Turn input errors raised inside ``callback`` into one-line CLI errors."""

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except Exception as exc:
            cause = user_error(exc)
            if cause is None or os.environ.get(TRACEBACK_ENV):
                raise
            raise click.ClickException(one_line(cause)) from None

    return wrapper


def first_line(exc: BaseException) -> str:
    """The first line of an error's message, at most 200 characters."""
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""


# Kedro's own `kedro run`, every option kept, with input errors shown as one line.
run = click.Command(
    name="run",
    params=_kedro_run.params,
    callback=one_line_errors(_kedro_run.callback),
    help=_kedro_run.help,
    short_help=_kedro_run.short_help,
    context_settings=_kedro_run.context_settings,
)
