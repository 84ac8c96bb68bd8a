"""The parameters of the pipelines being run, validated before the first node.

``ValidateParametersHook`` runs first when a pipeline starts and hands all run
parameters (``conf`` merged with ``--params``) and the datasets the run's nodes
read to a validation function; an error it raises stops the run before any node
has run, with its one line. Which namespaces and groups exist is the pipelines'
knowledge (``rnn_pipeline.pipelines.namespaces.validate_parameters``), so the hook
takes the function and settings.py wires the two together: the plumbing never
imports ``rnn_pipeline.pipelines``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from kedro.framework.hooks import hook_impl

logger = logging.getLogger(__name__)

# (parameters, input dataset names) -> namespace -> group -> validated options.
Validate = Callable[[Mapping[str, Any], Iterable[str]], Mapping[str, Mapping[str, Any]]]


class ValidateParametersHook:
    """Validates the parameters of the pipelines being run before any node runs.

    Args:
        validate: Checks every group of every namespace the inputs read; raises
            (``OptionsError``) for a bad one.
    """

    def __init__(self, validate: Validate) -> None:
        self.validate = validate

    @hook_impl(tryfirst=True)
    def before_pipeline_run(self, run_params: dict, pipeline, catalog) -> None:
        validated = self.validate(catalog.load("parameters"), pipeline.inputs())
        if validated:
            logger.info(
                "Parameters valid: %s",
                ", ".join(
                    f"{namespace} ({len(groups)} groups)"
                    for namespace, groups in validated.items()
                ),
            )
