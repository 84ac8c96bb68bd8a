"""Every parameter group of the pipelines being run, validated before the first node.

``NAMESPACES`` names, for each parameter namespace (the top-level keys of
``conf/base/parameters_*.yml``, which are also the pipelines' namespaces), the
module whose ``GROUPS`` declare its groups. ``ValidateParametersHook`` checks all
groups of every namespace a run touches when the run starts: a misspelt group
(``training_option``), an unknown key or a bad value, a wrong sampler or options
it does not take, all fail in the first seconds with one line (``OptionsError``).
Nodes still receive the YAML dicts (kedro-mlflow logs dict parameters key by key)
and ``parse`` them, which then cannot fail.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from kedro.framework.hooks import hook_impl

from rnn_pipeline.pipelines.options import Groups, Options, validate_namespace

logger = logging.getLogger(__name__)

# Parameter namespace -> module declaring its GROUPS (imported only when run).
NAMESPACES: dict[str, str] = {
    "chatbot": "rnn_pipeline.pipelines.chatbot.options",
    "translation": "rnn_pipeline.pipelines.translation.options",
    "poetry": "rnn_pipeline.pipelines.char_rnn.options",
    "shakespeare": "rnn_pipeline.pipelines.char_rnn.options",
    "code": "rnn_pipeline.pipelines.char_rnn.options",
    "sequence_classifier": "rnn_pipeline.pipelines.sequence_classifier.options",
    "time_series": "rnn_pipeline.pipelines.time_series.options",
    "embeddings": "rnn_pipeline.pipelines.embeddings.options",
}


def groups_of(namespace: str) -> Groups:
    """The declared parameter groups of ``namespace``.

    Raises:
        KeyError: If no pipeline declares that namespace (a project error).
    """
    if namespace not in NAMESPACES:
        raise KeyError(
            f"no parameter groups are declared for namespace {namespace!r}: add it "
            "to rnn_pipeline.pipelines.parameters.NAMESPACES"
        )
    return importlib.import_module(NAMESPACES[namespace]).GROUPS


def parameter_namespaces(inputs: Iterable[str]) -> list[str]:
    """The namespaces whose parameters ``params:<namespace>.<group>`` inputs read."""
    return sorted(
        {
            name.removeprefix("params:").split(".")[0]
            for name in inputs
            if name.startswith("params:") and "." in name
        }
    )


def validate_parameters(
    parameters: Mapping[str, Any], inputs: Iterable[str]
) -> dict[str, dict[str, Options]]:
    """Validate every group of every namespace that ``inputs`` read parameters of.

    Args:
        parameters: All run parameters (``conf`` merged with ``--params``).
        inputs: The dataset names a run's nodes read (``pipeline.inputs()``).

    Returns:
        Namespace -> group -> options.

    Raises:
        OptionsError: For a group no pipeline declares, an unknown key or a bad value.
        KeyError: If a node reads the parameters of an undeclared namespace, or a
            group its namespace does not declare (errors in the project itself).
    """
    inputs = list(inputs)
    validated = {
        namespace: validate_namespace(
            namespace, parameters.get(namespace), groups_of(namespace)
        )
        for namespace in parameter_namespaces(inputs)
    }
    for name in inputs:
        if not name.startswith("params:") or "." not in name:
            continue
        namespace, group = name.removeprefix("params:").split(".")[:2]
        if group not in validated[namespace]:
            raise KeyError(
                f"a node reads {name}, but {NAMESPACES[namespace]}.GROUPS does not "
                f"declare {group!r}"
            )
    return validated


class ValidateParametersHook:
    """Validates the parameters of the pipelines being run before any node runs."""

    @hook_impl(tryfirst=True)
    def before_pipeline_run(self, run_params: dict, pipeline, catalog) -> None:
        validated = validate_parameters(catalog.load("parameters"), pipeline.inputs())
        if validated:
            logger.info(
                "Parameters valid: %s",
                ", ".join(
                    f"{namespace} ({len(groups)} groups)"
                    for namespace, groups in validated.items()
                ),
            )
