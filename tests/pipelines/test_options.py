import pytest

from rnn_pipeline.pipelines.options import Options, parse, validate_namespace
from rnn_pipeline.text.errors import OptionsError


class SplitOptions(Options):
    test_fraction: float = 0.2


def test_parse_returns_options_that_are_already_parsed_unchanged():
    options = parse(SplitOptions, {"test_fraction": 0.3})
    assert parse(SplitOptions, options) is options
    assert parse(SplitOptions, None) == SplitOptions()


def test_parse_names_the_group_key_and_value():
    with pytest.raises(OptionsError) as error:
        parse(SplitOptions, {"test_fractoin": 0.3})
    assert str(error.value) == (
        "invalid split_options: test_fractoin: Extra inputs are not permitted (got 0.3)"
    )


def test_a_namespace_gets_every_declared_group_and_no_other():
    groups = {"split_options": SplitOptions}
    assert validate_namespace("demo", None, groups) == {"split_options": SplitOptions()}
    with pytest.raises(
        OptionsError, match="unknown parameter group demo.split_option:"
    ):
        validate_namespace("demo", {"split_option": {}}, groups)
    with pytest.raises(OptionsError, match="invalid demo: expected a mapping"):
        validate_namespace("demo", [1, 2], groups)
