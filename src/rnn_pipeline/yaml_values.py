"""Parameters as YAML gives them, for code that logs or compares them.

A neutral helper: the pipelines' options (``pipelines/options.py``) and the
Kedro/MLflow plumbing (``plumbing/``) both use it, and it imports neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel


def plain(value: Any) -> Any:
    """Parameters as YAML gives them: options objects (as Kedro hands typed groups)
    back to dicts, in nested mappings too."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    return value
