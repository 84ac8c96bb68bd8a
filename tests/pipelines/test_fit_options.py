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


def test_the_budget_and_devices_do_not_change_the_checkpoint_key():
    # A run may be resumed with another budget, epoch count or device set-up.
    key = parse(TrainingOptions, {}).trainer_options().key
    for changed in (
        {"time_budget_minutes": 5},
        {"epochs": 99},
        {"progress_seconds": 10},
        {"distribute": "mirrored"},
    ):
        assert parse(TrainingOptions, changed).trainer_options().key == key
    assert parse(TrainingOptions, {"learning_rate": 0.1}).trainer_options().key != key


def test_multi_worker_is_offered_only_where_the_data_is_sharded():
    from rnn_pipeline.pipelines.seq2seq.options import TrainingOptions as Seq2Seq

    assert parse(Seq2Seq, {"distribute": "multi_worker"}).distribute == "multi_worker"
    with pytest.raises(OptionsError, match="distribute: Input should be 'none' or"):
        parse(TrainingOptions, {"distribute": "multi_worker"})


def test_the_fit_fields_and_their_rules_come_from_the_librarys_options():
    import dataclasses

    from rnn_pipeline.pipelines.fit_options import FitParameters
    from rnn_pipeline.training.options import FitOptions

    names = {field.name for field in dataclasses.fields(FitOptions)}
    assert names <= set(FitParameters.model_fields)
    assert parse(TrainingOptions, {}).fit_options() == FitOptions(
        lr_patience=3, verbose=2
    )
    with pytest.raises(OptionsError, match="lr_decay_factor: Input should be less"):
        parse(TrainingOptions, {"lr_decay_factor": 1})
    with pytest.raises(OptionsError, match="lr_schedule: Input should be 'plateau'"):
        parse(TrainingOptions, {"lr_schedule": "cosine"})
