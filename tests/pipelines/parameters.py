"""Parameter datasets for pipelines run in memory by tests, typed as
``ValidateParametersHook`` hands them to nodes in a real run."""

from collections.abc import Mapping
from typing import Any

from kedro.io import MemoryDataset

from rnn_pipeline.pipelines.namespaces import groups_of
from rnn_pipeline.pipelines.options import validate_namespace


def parameter_datasets(
    namespace: str, params: Mapping[str, Any]
) -> dict[str, MemoryDataset]:
    """``params:<namespace>.<group>`` -> the group's validated options, every
    declared group (defaults where ``params`` has none)."""
    groups = validate_namespace(namespace, params, groups_of(namespace))
    return {
        f"params:{namespace}.{group}": MemoryDataset(options)
        for group, options in groups.items()
    }
