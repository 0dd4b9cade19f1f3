"""Task weightings that change during training (the paper's future work: "automatic
balancing of task learning rates"), kept apart from the network.

A weighting is a small frozen spec; `start(n_nets, n_tasks)` gives the state that the
trainer asks, at every update, for the tasks' weights [nets, tasks] given the tasks'
current losses [nets, tasks] (each task's 1/(2P) sum of squared errors on the batch) and,
when the state's `gradients` is True, each task's own gradient of the shared (first)
layer. The weights multiply each task's error signal, on top of a net's fixed
`task_weights`. A state with a `combine` method also replaces the shared layer's summed
gradient by its own combination of the tasks' gradients. Equal weights (no weighting) is
the paper's vanilla MTB.

Here: dynamic weight averaging (Liu, Johns and Davison, CVPR 2019), uncertainty weighting
(Kendall, Gal and Cipolla, CVPR 2018), GradNorm (Chen et al., ICML 2018) and PCGrad (Yu
et al., NeurIPS 2020). The gradient-based two need nets with one hidden layer.
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
    gradients = False

    def __init__(self, temperature: float):
        self.temperature = temperature
        self.last: list[torch.Tensor] = []  # the losses of the last two updates

    def weights(self, losses: torch.Tensor, task_grads=None) -> torch.Tensor:
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
    gradients = False

    def __init__(self, lr: float, n_nets: int, n_tasks: int):
        self.lr = lr
        self.s = torch.zeros(n_nets, n_tasks, dtype=torch.float64)

    def weights(self, losses: torch.Tensor, task_grads=None) -> torch.Tensor:
        w = torch.exp(-self.s)
        self.s -= self.lr * (0.5 - w * losses.to(self.s.dtype))  # d/ds of the objective
        return w.to(losses.dtype)


def _flat(gW: torch.Tensor, gb: torch.Tensor) -> torch.Tensor:
    """[nets, tasks, shared parameters]: each task's gradient of the shared layer as a vector."""
    return torch.cat([gW.flatten(2), gb.flatten(2)], dim=2)


@dataclass(frozen=True)
class GradNorm:
    """GradNorm: learn the task weights so that each task's weighted gradient norm at the
    shared layer, G_k = w_k ||grad L_k||, approaches mean(G) * r_k^alpha, where r_k is the
    task's loss relative to its first loss, over the mean of those: tasks that lag get
    larger gradients. Weights move by `lr` times the gradient of sum_k |G_k - target_k|
    and are renormalised to sum to the number of tasks."""

    alpha: float = 1.5
    lr: float = 0.025

    def __post_init__(self) -> None:
        if not self.lr > 0 or self.alpha < 0:
            raise ValueError(f"need lr > 0 and alpha >= 0, got lr={self.lr}, alpha={self.alpha}")

    def start(self, n_nets: int, n_tasks: int) -> _GradNormState:
        return _GradNormState(self.alpha, self.lr, n_nets, n_tasks)


class _GradNormState:
    gradients = True

    def __init__(self, alpha: float, lr: float, n_nets: int, n_tasks: int):
        self.alpha, self.lr = alpha, lr
        self.w = torch.ones(n_nets, n_tasks, dtype=torch.float64)
        self.first = None

    def weights(self, losses: torch.Tensor, task_grads) -> torch.Tensor:
        losses = losses.to(torch.float64)
        if self.first is None:
            self.first = losses.clamp_min(1e-30)
        norms = _flat(*task_grads).to(torch.float64).norm(dim=2)  # [nets, tasks]
        used = self.w.clone()
        G = self.w * norms
        relative = losses / self.first
        target = G.mean(1, keepdim=True) * (relative / relative.mean(1, keepdim=True)) ** self.alpha
        self.w = (self.w - self.lr * torch.sign(G - target) * norms).clamp_min(1e-3)
        self.w *= self.w.shape[1] / self.w.sum(1, keepdim=True)
        return used.to(task_grads[0].dtype)


@dataclass(frozen=True)
class PCGrad:
    """PCGrad: where two tasks' gradients at the shared layer conflict (negative dot
    product), project each onto the normal plane of the other (in a random order per
    update) before summing them. The tasks' own output weights are not touched."""

    seed: int = 0

    def start(self, n_nets: int, n_tasks: int) -> _PCGradState:
        return _PCGradState(self.seed)


class _PCGradState:
    gradients = False

    def __init__(self, seed: int):
        self.generator = torch.Generator().manual_seed(int(seed))

    def weights(self, losses: torch.Tensor, task_grads=None) -> torch.Tensor:
        return torch.ones_like(losses)

    def combine(self, gW: torch.Tensor, gb: torch.Tensor):
        """The shared layer's gradient (weights, biases) from the projected task gradients."""
        g = _flat(gW, gb)
        K = g.shape[1]
        out = torch.zeros_like(g[:, 0])
        for i in range(K):
            gi = g[:, i].clone()
            for j in torch.randperm(K, generator=self.generator).tolist():
                if j == i:
                    continue
                dot = (gi * g[:, j]).sum(-1, keepdim=True)
                gi -= torch.where(dot < 0, dot / (g[:, j] * g[:, j]).sum(-1, keepdim=True)
                                  .clamp_min(1e-30), 0) * g[:, j]
            out += gi
        n_w = gW[0, 0].numel()
        return out[:, :n_w].view(gW.shape[0], *gW.shape[2:]), out[:, n_w:].view(
            gb.shape[0], *gb.shape[2:])
