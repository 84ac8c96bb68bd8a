from rnn_pipeline.training.curves import training_curves


def test_training_curves_draws_the_history_under_its_title():
    plot_training = training_curves("time-series training (MSE)")
    figure = plot_training({"loss": [2.0, 1.0], "val_loss": [2.5, 1.5]})
    assert figure.get_suptitle() == "time-series training (MSE)"
    (axes,) = figure.axes
    assert [line.get_label() for line in axes.lines] == ["loss", "val_loss"]
    assert plot_training.__name__ == "plot_training"
    assert "time-series training (MSE)" in plot_training.__doc__
