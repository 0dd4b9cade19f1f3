"""Task weightings that change during training (the paper's future work: "automatic
balancing of task learning rates"), kept apart from the network.

A weighting is a small frozen spec; `start(n_nets, n_tasks)` gives the state that the
trainer asks, at every update, for the tasks' weights [nets, tasks] given the tasks'
current losses [nets, tasks] (each task's 1/(2P) sum of squared errors on the batch). The
weights multiply each task's error signal, on top of a net's fixed `task_weights`.
Equal weights (no weighting) is the paper's vanilla MTB.

Here: dynamic weight averaging (Liu, Johns and Davison, CVPR 2019) and uncertainty
weighting (Kendall, Gal and Cipolla, CVPR 2018). Methods that need each task's gradient
at the shared layer (GradNorm, PCGrad) are not here yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class DWA:
    """Dynamic weight averaging: w_k = K softmax_k(r_k / T), r_k = L_k(t-1) / L_k(t-2), the
    rate at which task k's loss fell over the last update; equal weights for the first two
    updates. A task whose loss falls slowly gets more weight."""

    temperature: float = 2.0

    def __post_init__(self) -> None:
        if not self.temperature > 0:
            raise ValueError(f"temperature must be positive, got {self.temperature}")

    def start(self, n_nets: int, n_tasks: int) -> _DWAState:
        return _DWAState(self.temperature)


class _DWAState:
    def __init__(self, temperature: float):
        self.temperature = temperature
        self.last: list[torch.Tensor] = []  # the losses of the last two updates

    def weights(self, losses: torch.Tensor) -> torch.Tensor:
        if len(self.last) < 2:
            w = torch.ones_like(losses)
        else:
            rate = self.last[-1] / self.last[-2].clamp_min(1e-30)
            w = losses.shape[1] * torch.softmax(rate / self.temperature, dim=1)
        self.last = [*self.last[-1:], losses.clone()]
        return w


@dataclass(frozen=True)
class Uncertainty:
    """Uncertainty weighting for regression: minimise sum_k exp(-s_k) L_k + s_k / 2 over the
    net and a log-variance s_k per task, so w_k = exp(-s_k) settles at 1 / (2 L_k): noisy
    (high-loss) tasks get less weight. s is learned by SGD with rate `lr`, from s = 0."""

    lr: float = 0.05

    def __post_init__(self) -> None:
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr}")

    def start(self, n_nets: int, n_tasks: int) -> _UncertaintyState:
        return _UncertaintyState(self.lr, n_nets, n_tasks)


class _UncertaintyState:
    def __init__(self, lr: float, n_nets: int, n_tasks: int):
        self.lr = lr
        self.s = torch.zeros(n_nets, n_tasks, dtype=torch.float64)

    def weights(self, losses: torch.Tensor) -> torch.Tensor:
        w = torch.exp(-self.s)
        self.s -= self.lr * (0.5 - w * losses.to(self.s.dtype))  # d/ds of the objective
        return w.to(losses.dtype)
