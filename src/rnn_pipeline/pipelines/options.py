"""Validating parameter groups once, at the edge of every pipeline.

Each pipeline declares its groups once, as a mapping from group name to an
``Options`` subclass (``GROUPS`` in its ``options`` module); ``validate_namespace``
checks a whole namespace of ``parameters_<pipeline>.yml`` against it, and ``parse``
turns one YAML dict into its options. Unknown groups and keys are errors, so a typo
in YAML fails the run instead of falling back to a default silently.

Nodes annotate their parameter groups with these classes, and Kedro (1.7's typed
parameters) validates them when the run starts and hands nodes the options objects.
``Options.model_validate``, which Kedro calls, fails with one line
(``InvalidOptionsError``) instead of pydantic's multi-line report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from kedro.validation.exceptions import ModelInstantiationError
from pydantic import BaseModel, ConfigDict, ValidationError

from rnn_pipeline.text.errors import OptionsError


class InvalidOptionsError(OptionsError, ModelInstantiationError):
    """A parameter group with an unknown key or a bad value, described on one line
    (Kedro's parameter validation reports it as it is); ``errors`` keeps pydantic's
    report."""

    def __init__(self, errors: ValidationError, where: str) -> None:
        super().__init__(describe(errors, where))
        self.errors = errors


class Options(BaseModel):
    """Base of every parameter group: strict keys, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any):
        """Pydantic's validation, its errors on one line (``describe``).

        Raises:
            InvalidOptionsError: e.g. ``test_fractoin: Extra inputs are not
                permitted (got 0.2)``.
        """
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise InvalidOptionsError(exc, group_name(cls)) from None


OptionsT = TypeVar("OptionsT", bound=Options)
Groups = Mapping[str, type[Options]]


def group_name(options_type: type[Options]) -> str:
    """``TrainingOptions`` -> ``training_options``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", options_type.__name__).lower()


def describe(exc: ValidationError, where: str = "", inputs: bool = True) -> str:
    """Pydantic's errors on one line: ``key: message (got value)``, joined by ``;``
    (without the values when ``inputs`` is False)."""
    return "; ".join(
        f"{'.'.join(map(str, error['loc'])) or where}: "
        f"{error['msg'].removeprefix('Value error, ')}"
        + (f" (got {error['input']!r})" if inputs else "")
        for error in exc.errors()
    )


def parse(
    options_type: type[OptionsT],
    values: Mapping[str, Any] | OptionsT | None,
    name: str | None = None,
) -> OptionsT:
    """Validate one parameter group; the error names the group, key and value.

    Args:
        options_type: The group's options class.
        values: The YAML mapping (None: all defaults), or options already parsed,
            which are returned unchanged.
        name: The group's name in messages (default: from the class name).

    Raises:
        OptionsError: e.g. ``invalid split_options: test_fractoin: Extra inputs are
            not permitted (got 0.2)``.
    """
    if isinstance(values, options_type):
        return values
    try:
        return options_type.model_validate(values or {})
    except InvalidOptionsError as exc:
        group = name or group_name(options_type)
        raise OptionsError(f"invalid {group}: {exc}") from None


def validate_namespace(
    namespace: str, values: Mapping[str, Any] | None, groups: Groups
) -> dict[str, Options]:
    """Every group of one pipeline's parameters, validated.

    Args:
        namespace: The pipeline's parameter namespace (``chatbot``), for messages.
        values: ``parameters[namespace]``: group name -> YAML mapping.
        groups: The pipeline's declared groups (group name -> options class).

    Returns:
        Group name -> options, for every declared group (absent ones at defaults).

    Raises:
        OptionsError: For a group that is not declared (a misspelt name) or a group
            with an unknown key or a bad value.
    """
    values = values if values is not None else {}
    if not isinstance(values, Mapping):
        raise OptionsError(
            f"invalid {namespace}: expected a mapping of parameter groups, "
            f"got {values!r}"
        )
    unknown = sorted(set(values) - set(groups))
    if unknown:
        raise OptionsError(
            f"unknown parameter group {namespace}.{unknown[0]}: expected one of "
            f"{', '.join(sorted(groups))}"
        )
    return {
        group: parse(options_type, values.get(group), f"{namespace}.{group}")
        for group, options_type in groups.items()
    }
