"""Parameters are validated once, when a run starts, for every group of every
pipeline being run."""

from pathlib import Path

import pytest
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog, MemoryDataset
from kedro.pipeline import Node, Pipeline

from rnn_pipeline.pipelines.namespaces import NAMESPACES, validate_parameters
from rnn_pipeline.pipelines.sampler_options import SAMPLER_OPTIONS
from rnn_pipeline.plumbing.parameters import ValidateParametersHook
from rnn_pipeline.text.errors import OptionsError

CONF = Path(__file__).parents[2] / "conf"


def project_parameters() -> dict:
    loader = OmegaConfigLoader(str(CONF), base_env="base", default_run_env="base")
    return dict(loader["parameters"])


def reads(namespace: str, *groups: str) -> Pipeline:
    """A one-node pipeline reading ``groups`` of ``namespace``, as a train node does."""
    return Pipeline(
        [
            Node(
                lambda *args: None,
                [f"params:{namespace}.{group}" for group in groups],
                None,
                name="reader",
            )
        ]
    )


def run_hook(parameters: dict, pipeline: Pipeline) -> None:
    catalog = DataCatalog({"parameters": MemoryDataset(parameters)})
    ValidateParametersHook(validate_parameters).before_pipeline_run(
        {}, pipeline, catalog
    )


def with_change(namespace: str, group: str, **values) -> dict:
    parameters = project_parameters()
    parameters[namespace] = {**parameters[namespace]}
    parameters[namespace][group] = {**parameters[namespace].get(group, {}), **values}
    return parameters


def test_the_projects_own_parameters_are_valid_for_every_namespace():
    parameters = project_parameters()
    assert set(parameters) == set(NAMESPACES)  # every namespace is declared
    inputs = [
        f"params:{namespace}.{group}"
        for namespace, groups in parameters.items()
        for group in groups
    ]
    validated = validate_parameters(parameters, inputs)
    assert (
        validated["chatbot"]["training_options"].epochs
        == (parameters["chatbot"]["training_options"]["epochs"])
    )
    assert validated["poetry"]["sampling_options"].sampler_options == {"k": 5}


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        (  # a misspelt group was silently ignored: 40 epochs instead of 1
            {"chatbot": {**project_parameters()["chatbot"], "training_option": {}}},
            "unknown parameter group chatbot.training_option: expected one of "
            "bucket_options, cleaning_options, evaluation_options, model_options, "
            "pairing_options, split_options, training_options, vocab_options",
        ),
        (  # an unknown key
            with_change("chatbot", "training_options", epoch=1),
            "invalid chatbot.training_options: epoch: Extra inputs are not "
            "permitted (got 1)",
        ),
        (  # a sampler that does not exist: failed after training before
            with_change("chatbot", "evaluation_options", sampler="nucleus"),
            "invalid chatbot.evaluation_options: sampler: expected one of "
            f"{', '.join(SAMPLER_OPTIONS)} (got 'nucleus')",
        ),
        (  # options of another sampler
            with_change(
                "chatbot",
                "evaluation_options",
                sampler="beam",
                sampler_options={"k": 0},
            ),
            "invalid chatbot.evaluation_options: sampler_options: for sampler beam, "
            "k: Extra inputs are not permitted (got {'k': 0})",
        ),
        (  # a bad value of the sampler's own option
            with_change(
                "chatbot",
                "evaluation_options",
                sampler="top_k",
                sampler_options={"k": 0},
            ),
            "invalid chatbot.evaluation_options: sampler_options: for sampler top_k, "
            "k: Input should be greater than or equal to 1 (got {'k': 0})",
        ),
        (  # a group the node does not even read is still checked
            with_change("chatbot", "pairing_options", pairing="three_turn"),
            "invalid chatbot.pairing_options: pairing: Input should be 'consecutive' "
            "or 'two_turn' (got 'three_turn')",
        ),
    ],
)
def test_a_bad_parameter_stops_the_run_before_any_node(parameters, expected):
    with pytest.raises(OptionsError) as error:
        run_hook(parameters, reads("chatbot", "training_options"))
    assert str(error.value) == expected
    assert "\n" not in str(error.value)


def test_char_rnn_samplers_are_a_subset_and_checked_per_namespace():
    parameters = with_change("poetry", "sampling_options", sampler="beam")
    with pytest.raises(OptionsError, match="invalid poetry.sampling_options: sampler"):
        run_hook(parameters, reads("poetry", "sampling_options"))
    # Namespaces the run does not touch are not validated.
    run_hook(parameters, reads("shakespeare", "sampling_options"))


def test_a_node_reading_an_undeclared_group_is_a_project_error():
    with pytest.raises(KeyError, match="does not declare 'lm_options'"):
        run_hook(project_parameters(), reads("chatbot", "lm_options"))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (
            "chatbot.training_option.epochs=1",
            "Error: unknown parameter group chatbot.training_option: expected one of",
        ),
        (
            "chatbot.evaluation_options.sampler_options.k=0",
            "Error: invalid chatbot.evaluation_options: sampler_options: for sampler "
            "mmi, k: Extra inputs are not permitted",
        ),
    ],
)
def test_kedro_run_stops_before_its_first_node(tmp_path, override, expected):
    from tests.test_end_to_end import copy_project, kedro

    project = copy_project(tmp_path)
    result = kedro(project, "run", "--pipelines", "chatbot", "--params", override)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    # Nothing ran: the first node would have written the parsed conversations.
    assert not any((project / "data/02_intermediate").rglob("*.parquet"))


def test_typed_inputs_are_what_kedro_hands_a_node():
    from rnn_pipeline.pipelines.namespaces import typed_inputs
    from rnn_pipeline.pipelines.seq2seq.options import SplitOptions, TrainingOptions

    inputs = {
        "params:chatbot.split_options": {"test_fraction": 0.25},
        "params:chatbot.training_options": {"epochs": 3},
        "params:chatbot.training_options.epochs": 3,  # a single key stays as it is
        "chatbot.pairs": ["a dataset"],
    }
    typed = typed_inputs(inputs)
    assert set(typed) == {
        "params:chatbot.split_options",
        "params:chatbot.training_options",
    }
    assert typed["params:chatbot.split_options"] == SplitOptions(test_fraction=0.25)
    assert isinstance(typed["params:chatbot.training_options"], TrainingOptions)
    assert typed["params:chatbot.training_options"].epochs == 3
    assert typed_inputs({"chatbot.pairs": 1}) == {}


def test_every_node_annotates_its_parameter_groups_with_their_options_class():
    """Kedro hands a node typed options only where its signature says which class;
    an unannotated group would reach the node as a dict."""
    import importlib
    import inspect
    import typing

    from rnn_pipeline.pipelines.namespaces import group_input, groups_of

    checked = 0
    for namespace in NAMESPACES:
        package = importlib.import_module(f"rnn_pipeline.pipelines.{namespace}")
        for node in package.create_pipeline().nodes:
            names = node.inputs
            hints = typing.get_type_hints(node.func)
            params = list(inspect.signature(node.func).parameters)
            for position, name in enumerate(names):
                group = group_input(name)
                if group is None:
                    continue
                expected = groups_of(group[0])[group[1]]
                assert hints.get(params[position]) is expected, (node.name, name)
                checked += 1
    assert checked > 20
