"""The evaluation report's plots: precision-recall, ROC and reliability of one category, the
candidate model with the baseline overlaid, each as a self-contained PNG data URI.

Drawn by matplotlib's object API on the Agg canvas (no pyplot: no global figure state, safe in
any thread, no display needed); curves and areas from `sklearn.metrics`. Each PNG is reduced
to a 64-colour palette by Pillow (matplotlib's own dependency) so a report of seven categories
stays far below a megabyte.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image
from sklearn.metrics import auc, average_precision_score, precision_recall_curve, roc_curve

SIZE = (3.6, 3.0)  # inches; at DPI, 288 × 240 pixels: three side by side fit a laptop screen
DPI = 80
COLOURS = 64  # palette size of the saved PNG: line plots need few colours


@dataclass(frozen=True)
class Run:
    """One model's labels and scores for a category (rows of unknown label already dropped)."""

    label: str  # the legend's name: the model version
    y: np.ndarray  # 0/1
    scores: np.ndarray
    dashed: bool = False  # the baseline: dashed, so overlaid curves stay apart


def _figure(title: str, xlabel: str, ylabel: str) -> tuple[Figure, Any]:
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.02)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    return fig, ax


def _data_uri(fig: Figure) -> str:
    drawn = io.BytesIO()
    fig.savefig(drawn, format="png")
    image = Image.open(drawn).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=COLOURS).save(out, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _style(run: Run) -> dict[str, Any]:
    return {"linestyle": "--" if run.dashed else "-", "linewidth": 1.4}


def precision_recall_plot(category: str, runs: Sequence[Run]) -> str:
    """Precision against recall, average precision in the legend; the dotted line is the
    positive rate (what a random ranking scores)."""
    fig, ax = _figure(f"{category}: precision-recall", "recall", "precision")
    for run in runs:
        precision, recall, _ = precision_recall_curve(run.y, run.scores, drop_intermediate=True)
        ap = average_precision_score(run.y, run.scores)
        ax.step(recall, precision, where="post", label=f"{run.label} AP {ap:.3f}", **_style(run))
    ax.axhline(float(np.mean(runs[0].y)), color="grey", linestyle=":", linewidth=1)
    ax.legend(fontsize=7, loc="lower left")
    return _data_uri(fig)


def roc_plot(category: str, runs: Sequence[Run]) -> str:
    """True against false positive rate, ROC AUC in the legend."""
    fig, ax = _figure(f"{category}: ROC", "false positive rate", "true positive rate")
    for run in runs:
        fpr, tpr, _ = roc_curve(run.y, run.scores, drop_intermediate=True)
        ax.plot(fpr, tpr, label=f"{run.label} AUC {auc(fpr, tpr):.3f}", **_style(run))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
    ax.legend(fontsize=7, loc="lower right")
    return _data_uri(fig)


def reliability_plot(category: str, tables: Sequence[tuple[Run, dict[str, Any]]]) -> str:
    """Observed positive rate against mean score per score bin (`training.calibration.
    reliability`'s table), marker area by the bin's rows, ECE in the legend."""
    fig, ax = _figure(f"{category}: calibration", "mean score in bin", "observed positive rate")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
    for run, table in tables:
        bins = table["bins"]
        x = [b["mean_score"] for b in bins]
        y = [b["observed_rate"] for b in bins]
        area = 12 + 60 * np.sqrt(np.array([b["n"] for b in bins]) / max(table["n"], 1))
        (line,) = ax.plot(x, y, label=f"{run.label} ECE {table['ece']:.3f}", **_style(run))
        ax.scatter(x, y, s=area, color=line.get_color(), alpha=0.7)
    ax.legend(fontsize=7, loc="upper left")
    return _data_uri(fig)
