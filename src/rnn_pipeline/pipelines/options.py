"""Validating parameter groups once, at the edge of every pipeline.

Each pipeline declares its groups once, as a mapping from group name to an
``Options`` subclass (``GROUPS`` in its ``options`` module); ``validate_namespace``
checks a whole namespace of ``parameters_<pipeline>.yml`` against it, and ``parse``
turns one YAML dict into its options. Unknown groups and keys are errors, so a typo
in YAML fails the run instead of falling back to a default silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from rnn_pipeline.text.errors import OptionsError


class Options(BaseModel):
    """Base of every parameter group: strict keys, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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
    except ValidationError as exc:
        group = name or group_name(options_type)
        raise OptionsError(f"invalid {group}: {describe(exc, group)}") from None


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
