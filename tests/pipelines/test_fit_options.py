import pytest

from rnn_pipeline.pipelines.fit_options import TrainingOptions
from rnn_pipeline.pipelines.options import parse
from rnn_pipeline.text.errors import OptionsError


def test_the_time_budget_and_progress_interval_are_optional_and_reach_fit():
    options = parse(TrainingOptions, {"time_budget_minutes": 30})
    assert options.time_budget_minutes == 30 and options.progress_seconds == 60
    fit = options.fit_options()
    assert fit.time_budget_minutes == 30 and fit.progress_seconds == 60
    assert parse(TrainingOptions, {}).fit_options().time_budget_minutes is None


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"time_budget_minutes": 0},
            "invalid training_options: time_budget_minutes: Input should be "
            "greater than 0 (got 0)",
        ),
        (
            {"time_budget_minutes": "half an hour"},
            "invalid training_options: time_budget_minutes: Input should be a "
            "valid number, unable to parse string as a number (got 'half an hour')",
        ),
        (
            {"progress_seconds": -1},
            "invalid training_options: progress_seconds: Input should be greater "
            "than 0 (got -1)",
        ),
    ],
)
def test_a_bad_budget_or_interval_is_a_one_line_error(values, expected):
    with pytest.raises(OptionsError) as error:
        parse(TrainingOptions, values)
    assert str(error.value) == expected


def test_the_budget_does_not_change_the_checkpoint_key():
    # A run may be resumed with another budget or epoch count.
    assert (
        parse(TrainingOptions, {"time_budget_minutes": 5}).run_key()
        == parse(TrainingOptions, {"epochs": 99}).run_key()
    )
