"""Figures several chapters share: architectures, learning curves with peaks, changes."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from mtb.train import NetResult


def draw_nets(n_inputs: int = 6, n_hidden: int = 4, tasks: Sequence[str] = ("T", "T'", "T''"),
              ax=None):
    """STB (one net per task) beside MTB (one net, every task an output)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.2))
    ax.set_axis_off()

    def net(x0: float, outputs: Sequence[str], width: float) -> None:
        layers = [np.linspace(0, 1, n_inputs), np.linspace(0.15, 0.85, n_hidden),
                  np.linspace(0.5 - 0.15 * (len(outputs) - 1), 0.5 + 0.15 * (len(outputs) - 1),
                              len(outputs))]
        xs = [x0, x0 + width / 2, x0 + width]
        for l in range(2):
            for ya in layers[l]:
                for yb in layers[l + 1]:
                    ax.plot([xs[l], xs[l + 1]], [ya, yb], color="0.8", lw=0.6, zorder=1)
        for x, ys, c in zip(xs, layers, ("0.6", "C0", "C1"), strict=True):
            ax.scatter([x] * len(ys), ys, s=60, color=c, zorder=2)
        for y, name in zip(layers[2], outputs, strict=True):
            ax.text(x0 + width + 0.03, y, name, va="center")

    for i, t in enumerate(tasks):
        net(0.45 * i, [t], 0.3)
    net(0.45 * len(tasks) + 0.25, list(tasks), 0.5)
    ax.text(0.45 * len(tasks) / 2 - 0.08, -0.2, "STB: one net per task", ha="center")
    ax.text(0.45 * len(tasks) + 0.5, -0.2, "MTB: one net, all tasks", ha="center")
    ax.set_ylim(-0.3, 1.1)
    return ax


def learning_curves(r: NetResult, split: str = "halt", tasks: Sequence[str] | None = None,
                    ax=None, normalise: bool = True):
    """Each task's curve on `split`, with a dot at the task's own peak (halt-set minimum)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for i, task in enumerate(tasks or r.net.tasks):
        k = r.net.tasks.index(task)
        y = r.curves[split][:, k]
        y = y / y.min() if normalise else y
        ax.plot(r.epochs, y, color=f"C{i}", lw=1, label=task)
        best = np.searchsorted(r.epochs, r.peak_epoch[k])
        ax.plot(r.epochs[best], y[best], "o", color=f"C{i}", ms=5)
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"{split} RMSE" + (" / its minimum" if normalise else ""))
    ax.legend(fontsize="small", ncol=2)
    return ax


def changes(labels: Sequence[str], change: np.ndarray, low: np.ndarray, high: np.ndarray,
            paper: Sequence[float | None] | None = None, ax=None,
            xlabel: str = "% change, (STB - MTB) / MTB; > 0: MTB better"):
    """Per-task percent change with its interval, and the paper's value where it has one."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.4 * len(labels) + 1))
    y = np.arange(len(labels))[::-1]
    ax.errorbar(change, y, xerr=[change - low, high - change], fmt="o", color="C0",
                capsize=3, label="ours (95% interval)")
    if paper is not None:
        p = np.array([np.nan if v is None else v for v in paper], dtype=float)
        ax.plot(p, y, "D", color="C3", ms=5, label="paper")
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set_yticks(y, labels)
    ax.set_xlabel(xlabel)
    ax.legend(fontsize="small")
    return ax
