"""Figures shared by the pipelines: training curves and per-group bars.

Figures are returned, never shown or written: the catalog saves them
(``matplotlib.MatplotlibDataset``) and kedro-viz previews them. They are plain
``Figure`` objects, not pyplot's, so none is kept alive after its node has run, and
no backend is chosen here: a notebook keeps its inline backend and shows them.

Chinese labels need a CJK font (Debian's ``fonts-noto-cjk``, which ``make install``
brings); ``use_cjk_font`` puts the first one found after DejaVu Sans in the font
list, so every glyph DejaVu Sans lacks is drawn from it.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

logger = logging.getLogger(__name__)

# Preferred CJK families, Simplified Chinese first; any of them draws Chinese.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Serif CJK SC",
)
LATIN_FAMILY = "DejaVu Sans"  # matplotlib's own font: Latin, Greek, Cyrillic
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


def _known_cjk_family() -> str | None:
    """The preferred CJK family matplotlib's font list already holds, if any."""
    names = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in names), None)


def _packaged_font_files() -> list[str]:
    """Font files that installed Python distributions ship (a pip font package)."""
    from importlib.metadata import distributions

    files = []
    for distribution in distributions():
        for file in distribution.files or ():
            if str(file).lower().endswith(FONT_SUFFIXES) and "cjk" in str(file).lower():
                files.append(str(distribution.locate_file(file)))
    return files


def _register_cjk_fonts() -> None:
    """Add the CJK font files on this machine to matplotlib's font list.

    matplotlib caches the system's fonts the first time it runs, so a font package
    installed later (``apt-get install fonts-noto-cjk``) stays unseen until added.
    """
    system = [
        path
        for path in font_manager.findSystemFonts()
        if any(key in path.lower() for key in ("cjk", "wqy", "sourcehan"))
    ]
    for path in system or _packaged_font_files():
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError) as exc:  # a broken font file
            logger.debug("Skipping font %s: %s", path, exc)


def use_cjk_font() -> str | None:
    """Draw text in DejaVu Sans with a CJK font as fallback; returns the CJK family.

    Returns ``None`` (and logs one warning) when no CJK font is installed: Chinese
    labels then show as empty boxes.
    """
    family = _known_cjk_family()
    if family is None:
        _register_cjk_fonts()
        family = _known_cjk_family()
    if family is None:
        logger.warning(
            "No CJK font found: Chinese labels in figures will show as boxes. "
            "Install one, e.g. apt-get install fonts-noto-cjk (make install does)."
        )
        matplotlib.rcParams["font.family"] = [LATIN_FAMILY]
        # The one warning above says it all: not one more per missing glyph.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        return None
    matplotlib.rcParams["font.family"] = [LATIN_FAMILY, family]
    return family


CJK_FAMILY = use_cjk_font()


def _subplots(*args, figsize: tuple[float, float], **kwargs):
    """``pyplot.subplots`` without pyplot's registry of open figures."""
    figure = Figure(figsize=figsize)
    return figure, figure.subplots(*args, **kwargs)


def plot_history(history: Mapping[str, Sequence[float]], title: str = "") -> Figure:
    """Loss curves (left) and any accuracy curves (right) per epoch.

    Args:
        history: Keras-style history, e.g. ``{"loss": [...], "val_loss": [...]}``.
        title: Figure title.
    """
    accuracy_keys = [k for k in history if "accuracy" in k]
    loss_keys = [k for k in history if k.endswith("loss")]
    columns = 2 if accuracy_keys else 1
    figure, axes = _subplots(1, columns, figsize=(5 * columns, 3.5), squeeze=False)
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
    figure, ax = _subplots(figsize=(max(4, 1.2 * len(values)), 3.5))
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


def plot_attention(
    examples: Sequence[tuple[Sequence[str], Sequence[str], Sequence[Sequence[float]]]],
    title: str = "attention",
) -> Figure:
    """Heatmaps of attention weights, one panel per example.

    Args:
        examples: ``(source, output, weights)``: the source and output tokens (a
            string counts as one token per character) and ``weights`` of shape
            ``(len(output), len(source))``: row ``i`` is where output token ``i``
            looked. A multi-character token such as ``<unk>`` is one label.
        title: Figure title.
    """
    count = max(1, len(examples))
    columns = min(2, count)
    rows = -(-count // columns)
    figure, axes = _subplots(
        rows, columns, figsize=(5.5 * columns, 4.5 * rows), squeeze=False
    )
    for ax in axes.flat[len(examples) :]:
        ax.axis("off")
    for ax, (source, output, weights) in zip(axes.flat, examples, strict=False):
        source, output = list(source), list(output)
        rows, columns = len(weights), len(weights[0]) if len(weights) else 0
        if (rows, columns) != (len(output), len(source)):
            raise ValueError(
                f"attention weights must be (output tokens, source tokens) = "
                f"{(len(output), len(source))}, got {(rows, columns)}"
            )
        image = ax.imshow(weights, cmap="viridis", aspect="auto", vmin=0, vmax=1)
        ax.set_xticks(range(len(source)), source, fontsize=8)
        ax.set_yticks(range(len(output)), output, fontsize=8)
        ax.set_xlabel("source")
        ax.set_ylabel("output")
        figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_confusion_matrix(
    matrix: Sequence[Sequence[int]], labels: Sequence[str], title: str = ""
) -> Figure:
    """Counts of true (rows) against predicted (columns) classes, annotated."""
    import numpy as np

    counts = np.asarray(matrix)
    figure, ax = _subplots(figsize=(0.5 * len(labels) + 2.5, 0.5 * len(labels) + 2))
    image = ax.imshow(counts, cmap="Blues")
    figure.colorbar(image, ax=ax, fraction=0.046)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    threshold = counts.max() / 2 if counts.size else 0
    for (row, column), value in np.ndenumerate(counts):
        if value:
            ax.text(
                column,
                row,
                str(value),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if value > threshold else "black",
            )
    if title:
        ax.set_title(title)
    figure.tight_layout()
    return figure


def plot_series_instance(
    t: Sequence[float],
    values: Sequence[float],
    instance_t: Sequence[float],
    instance_values: Sequence[float],
    title: str = "",
) -> Figure:
    """A series with one training window (left) and that window close up (right):
    the inputs are its first ``n`` samples, the targets the same shifted by one."""
    figure, (left, right) = _subplots(1, 2, figsize=(11, 4))
    left.plot(t, values, label="series", linewidth=2)
    left.plot(
        instance_t[:-1],
        instance_values[:-1],
        "b-",
        linewidth=3,
        label="a training instance",
    )
    left.set_xlabel("time")
    left.set_ylabel("value")
    left.legend(loc="lower left")
    right.plot(
        instance_t[:-1], instance_values[:-1], "bo", markersize=10, label="instance"
    )
    right.plot(
        instance_t[1:],
        instance_values[1:],
        "w*",
        markeredgecolor="k",
        markersize=10,
        label="target",
    )
    right.set_xlabel("time")
    right.set_title("a training instance")
    right.legend(loc="upper left")
    for ax in (left, right):
        ax.grid(alpha=0.3)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_prediction(
    instance_t: Sequence[float],
    instance_values: Sequence[float],
    predictions: Sequence[float],
    title: str = "",
) -> Figure:
    """One window: its inputs, its targets (next values) and the predictions."""
    figure, ax = _subplots(figsize=(6, 4))
    ax.plot(
        instance_t[:-1],
        instance_values[:-1],
        "bo",
        markersize=10,
        alpha=0.5,
        label="instance",
    )
    ax.plot(
        instance_t[1:],
        instance_values[1:],
        "w*",
        markeredgecolor="k",
        markersize=10,
        label="target",
    )
    ax.plot(instance_t[1:], predictions, "r.", markersize=10, label="prediction")
    ax.set_xlabel("time")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    ax.set_title(title or "testing the model")
    figure.tight_layout()
    return figure


def plot_generated(
    sequences: Mapping[str, Sequence[float]], seed_length: int, title: str = ""
) -> Figure:
    """Sequences generated from a seed window, one panel each (seed in blue)."""
    figure, axes = _subplots(
        1, len(sequences), figsize=(5.5 * len(sequences), 3.5), squeeze=False
    )
    for ax, (name, values) in zip(axes[0], sequences.items(), strict=True):
        steps = range(len(values))
        ax.plot(
            steps[:seed_length], values[:seed_length], "b-", linewidth=3, label="seed"
        )
        ax.plot(
            steps[seed_length - 1 :], values[seed_length - 1 :], "r-", label="generated"
        )
        ax.set_xlabel("step")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_word_map(
    words: Sequence[str], points: Sequence[Sequence[float]], title: str = ""
) -> Figure:
    """Words at their 2-D positions (e.g. a t-SNE of their embeddings)."""
    figure, ax = _subplots(figsize=(12, 12))
    for word, (x, y) in zip(words, points, strict=True):
        ax.scatter(x, y, s=6, color="tab:blue")
        ax.annotate(word, (x, y), xytext=(3, 2), textcoords="offset points", fontsize=7)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    figure.tight_layout()
    return figure
