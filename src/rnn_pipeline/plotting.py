"""Figures shared by the pipelines: training curves and per-group bars.

Figures are returned, never shown or written: the catalog saves them
(``matplotlib.MatplotlibDataset``) and kedro-viz previews them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # no display: figures only go to files

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def plot_history(history: Mapping[str, Sequence[float]], title: str = "") -> Figure:
    """Loss curves (left) and any accuracy curves (right) per epoch.

    Args:
        history: Keras-style history, e.g. ``{"loss": [...], "val_loss": [...]}``.
        title: Figure title.
    """
    accuracy_keys = [k for k in history if "accuracy" in k]
    loss_keys = [k for k in history if k.endswith("loss")]
    columns = 2 if accuracy_keys else 1
    figure, axes = plt.subplots(1, columns, figsize=(5 * columns, 3.5), squeeze=False)
    for ax, keys, label in (
        (axes[0][0], loss_keys, "loss"),
        *(((axes[0][1], accuracy_keys, "accuracy"),) if accuracy_keys else ()),
    ):
        for key in keys:
            values = list(history[key])
            ax.plot(range(1, len(values) + 1), values, marker=".", label=key)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_bars(
    values: Mapping[str, float], ylabel: str, title: str = "", annotate: bool = True
) -> Figure:
    """One bar per named group (e.g. test loss per bucket)."""
    figure, ax = plt.subplots(figsize=(max(4, 1.2 * len(values)), 3.5))
    names = list(values)
    bars = ax.bar(names, [values[n] for n in names], color="tab:blue")
    if annotate:
        ax.bar_label(bars, fmt="%.3g")
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)
    if title:
        ax.set_title(title)
    figure.tight_layout()
    return figure


# CJK and Greek labels: DejaVu Sans covers Greek; CJK fonts are used when installed.
matplotlib.rcParams["font.sans-serif"] = [
    "DejaVu Sans",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "WenQuanYi Zen Hei",
    "SimHei",
]


def plot_attention(
    examples: Sequence[tuple[str, str, Sequence[Sequence[float]]]],
    title: str = "attention",
) -> Figure:
    """Heatmaps of attention weights, one panel per example.

    Args:
        examples: ``(source, output, weights)`` with ``weights`` of shape
            ``(len(output), len(source))``: row ``i`` is where output token ``i``
            looked.
        title: Figure title.
    """
    import warnings

    count = max(1, len(examples))
    columns = min(2, count)
    rows = -(-count // columns)
    figure, axes = plt.subplots(
        rows, columns, figsize=(5.5 * columns, 4.5 * rows), squeeze=False
    )
    for ax in axes.flat[len(examples) :]:
        ax.axis("off")
    for ax, (source, output, weights) in zip(axes.flat, examples, strict=False):
        image = ax.imshow(weights, cmap="viridis", aspect="auto", vmin=0, vmax=1)
        ax.set_xticks(range(len(source)), list(source), fontsize=8)
        ax.set_yticks(range(len(output)), list(output), fontsize=8)
        ax.set_xlabel("source")
        ax.set_ylabel("output")
        figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    figure.suptitle(title)
    with warnings.catch_warnings():
        # Without a CJK font, Chinese labels render as boxes: not worth a warning
        # per glyph in the run's log.
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        figure.tight_layout()
        figure.canvas.draw()
    return figure
