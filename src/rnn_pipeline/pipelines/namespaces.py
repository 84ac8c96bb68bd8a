"""Every parameter group of the pipelines being run, validated before the first node.

``NAMESPACES`` names, for each parameter namespace (the top-level keys of
``conf/base/parameters_*.yml``, which are also the pipelines' namespaces), the
module whose ``GROUPS`` declare its groups. ``validate_parameters`` checks all
groups of every namespace a run touches; settings.py hands it to
``ValidateParametersHook`` (``rnn_pipeline.plumbing.parameters``), which calls it
when the run starts: a misspelt group (``training_option``), an unknown key or a
bad value, a wrong sampler or options it does not take, all fail in the first
seconds with one line (``OptionsError``). Nodes annotate their groups with the
options classes, so Kedro itself (1.7's typed parameters) hands them options
objects, validated when the run starts; the hook adds what Kedro does not check:
groups and namespaces no node declares. ``typed_inputs`` does Kedro's part for
nodes run outside a session (benchmarks, notebooks).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from rnn_pipeline.pipelines.options import Groups, Options, parse, validate_namespace

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
            "to rnn_pipeline.pipelines.namespaces.NAMESPACES"
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


def group_input(name: str) -> tuple[str, str] | None:
    """``params:<namespace>.<group>`` -> (namespace, group); None for other inputs
    (datasets, whole namespaces, single keys such as ``params:ns.group.key``)."""
    if not name.startswith("params:"):
        return None
    parts = name.removeprefix("params:").split(".")
    return (parts[0], parts[1]) if len(parts) == 2 else None


def typed_inputs(inputs: Mapping[str, Any]) -> dict[str, Options]:
    """A node's parameter-group inputs as their declared options, as Kedro hands
    them to the node in a session.

    Args:
        inputs: The node's inputs by name, as Kedro loaded them.

    Returns:
        Input name -> options, for every input that is a declared group (dicts
        already validated by the hook when the run started, so parsing cannot fail).
    """
    typed = {}
    for name, value in inputs.items():
        group = group_input(name)
        if group is None or group[0] not in NAMESPACES:
            continue
        options_type = groups_of(group[0]).get(group[1])
        if options_type is not None:
            typed[name] = parse(options_type, value, ".".join(group))
    return typed


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
