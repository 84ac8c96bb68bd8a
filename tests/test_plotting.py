import os
import warnings

import numpy as np
import pytest

from rnn_pipeline.plotting import CJK_FAMILY, plot_attention, plot_bars, plot_history

# CI runs `make test`, which installs the CJK font; elsewhere without it, skip.
needs_cjk_font = pytest.mark.skipif(
    CJK_FAMILY is None and not os.environ.get("CI"),
    reason="no CJK font installed (make install brings fonts-noto-cjk as root)",
)


def test_history_plot_has_loss_and_accuracy_panels(tmp_path):
    figure = plot_history(
        {"loss": [2.0, 1.0], "val_loss": [2.1, 1.5], "token_accuracy": [0.1, 0.5]}
    )
    loss_axes, accuracy_axes = figure.axes
    assert [line.get_label() for line in loss_axes.lines] == ["loss", "val_loss"]
    assert list(accuracy_axes.lines[0].get_ydata()) == [0.1, 0.5]
    figure.savefig(tmp_path / "h.png")
    assert (tmp_path / "h.png").stat().st_size > 1000


def test_bars_are_labelled_with_their_values():
    figure = plot_bars({"10x15": 1.5, "all": 2.0}, ylabel="loss")
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["10x15", "all"]
    assert [round(p.get_height(), 2) for p in ax.patches] == [1.5, 2.0]


def test_attention_plot_has_one_heatmap_per_example():
    weights = np.eye(3)
    figure = plot_attention([("abc", "xyz", weights), ("你好吗", "好的⏎", weights)])
    heatmaps = [ax for ax in figure.axes if ax.images and ax.get_xlabel() == "source"]
    assert len(heatmaps) == 2
    assert [t.get_text() for t in heatmaps[0].get_xticklabels()] == ["a", "b", "c"]
    assert (heatmaps[0].images[0].get_array() == weights).all()


def test_textbook_figures_are_drawn(tmp_path):
    from rnn_pipeline.plotting import (
        plot_confusion_matrix,
        plot_generated,
        plot_prediction,
        plot_series_instance,
        plot_word_map,
    )

    t = [0.0, 0.1, 0.2, 0.3]
    figures = [
        plot_confusion_matrix([[3, 1], [0, 4]], ["0", "1"]),
        plot_series_instance(t, [1, 2, 3, 4], t, [1, 2, 3, 4]),
        plot_prediction(t, [1, 2, 3, 4], [2.1, 2.9, 4.2]),
        plot_generated({"zeros": [0, 0, 1, 2], "series": [1, 2, 3, 4]}, 2),
        plot_word_map(["a", "b"], [[0, 1], [1, 0]]),
    ]
    for i, figure in enumerate(figures):
        figure.savefig(tmp_path / f"{i}.png")
        assert (tmp_path / f"{i}.png").stat().st_size > 1000
    confusion_texts = [t.get_text() for t in figures[0].axes[0].texts]
    assert confusion_texts == ["3", "1", "4"]


def test_figures_are_not_kept_open_by_pyplot(tmp_path):
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    for _ in range(25):
        figure = plot_bars({"a": 1.0, "b": 2.0}, ylabel="loss")
    figure.savefig(tmp_path / "bars.png")
    assert (tmp_path / "bars.png").stat().st_size > 1000
    assert len(plt.get_fignums()) == before  # nothing for a long session to leak


def test_attention_labels_are_tokens_one_per_column():
    weights = np.full((2, 3), 1 / 3)
    figure = plot_attention([(["你", "<unk>", "好"], ["好", "⏎"], weights)])
    heatmap = figure.axes[0]
    assert [t.get_text() for t in heatmap.get_xticklabels()] == ["你", "<unk>", "好"]
    assert [t.get_text() for t in heatmap.get_yticklabels()] == ["好", "⏎"]


def test_attention_weights_of_another_shape_than_the_labels_are_refused():
    with pytest.raises(ValueError, match=r"must be \(output tokens, source tokens\)"):
        plot_attention([("你<unk>", "好", np.ones((1, 2)))])


@needs_cjk_font
def test_chinese_labels_render_with_every_glyph(tmp_path):
    """matplotlib warns "Glyph ... missing from font(s)" for each box it draws."""
    figures = [
        plot_attention(
            [(["你", "<unk>", "吗"], ["我", "很", "好", "⏎"], np.eye(4, 3))],
            title="注意力 attention",
        ),
        plot_bars({"问候": 1.0, "告别": 2.0}, ylabel="损失 loss", title="每个桶"),
        plot_history({"loss": [2.0, 1.0]}, title="训练曲线 ελληνικά"),
    ]
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")
        for i, figure in enumerate(figures):
            figure.savefig(tmp_path / f"{i}.png")
    assert (tmp_path / "0.png").stat().st_size > 1000


def test_a_notebook_keeps_its_backend_when_plotting_is_imported():
    """Importing the module must not force a backend (the notebook's inline one)."""
    import subprocess
    import sys

    code = (
        "import matplotlib; matplotlib.use('svg');"
        "import rnn_pipeline.plotting;"
        "print(matplotlib.get_backend())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "svg"
