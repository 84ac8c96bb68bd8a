"""Validating parameter groups once, at the edge of every pipeline.

Each pipeline declares its groups as ``Options`` subclasses; ``parse`` turns a YAML
dict into one. Unknown keys are errors, so a typo in YAML fails the run instead of
falling back to a default silently.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from rnn_pipeline.text.errors import OptionsError


class Options(BaseModel):
    """Base of every parameter group: strict keys, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


OptionsT = TypeVar("OptionsT", bound=Options)


def parse(options_type: type[OptionsT], values: dict[str, Any] | None) -> OptionsT:
    """Validate one parameter group; the error names the group, key and value.

    Raises:
        OptionsError: e.g. ``invalid split_options: test_fractoin: Extra inputs are
            not permitted (got 0.2)``.
    """
    try:
        return options_type.model_validate(values or {})
    except ValidationError as exc:
        group = re.sub(r"(?<!^)(?=[A-Z])", "_", options_type.__name__).lower()
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc'])) or group}: {error['msg']} "
            f"(got {error['input']!r})"
            for error in exc.errors()
        )
        raise OptionsError(f"invalid {group}: {problems}") from None
