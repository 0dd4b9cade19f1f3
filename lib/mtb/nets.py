"""Many small backprop nets of one shape, stacked on a leading axis and run as one.

A net is inputs -> one or more layers of sigmoid hidden units -> outputs
(sigmoid, for targets in [0, 1], or linear). STB is a net with one output;
MTB is one net with every task as an output. Nets of the same shape are
stacked: layer l's weights are one tensor [nets, units out, units in], and
patterns lie on the last (contiguous) axis, so a layer is one batched matmul.

Backward is written by hand (it is three lines a layer) because it is about
twice as fast as autograd here; `tests/test_train.py` checks it against
`torch.nn` + `torch.optim.SGD` (see `mtb.reference`).

Initial weights: every weight and bias uniform on [-1/sqrt(fan_in), 1/sqrt(fan_in)]
(what `torch.nn.Linear` does by default), drawn from a generator seeded by
the net's own seed, so a net starts the same whichever nets it is stacked with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

OUTPUTS = ("sigmoid", "linear")


@dataclass(frozen=True)
class Net:
    """One net to train: its output tasks, hidden layer sizes, data set (seed) and init seed.

    `task_weights` are per-output learning-rate multipliers (the paper's
    "different learning rates for different outputs"): task k's error signal
    is scaled by `task_weights[k]`, which scales both the step of its own
    output weights and its share of the hidden layer's gradient.
    """

    tasks: tuple[str, ...]
    hidden: tuple[int, ...] = (16,)
    data: int = 0
    seed: int = 0
    task_weights: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        tasks = (self.tasks,) if isinstance(self.tasks, str) else tuple(self.tasks)
        hidden = (self.hidden,) if isinstance(self.hidden, int) else tuple(self.hidden)
        object.__setattr__(self, "tasks", tasks)
        object.__setattr__(self, "hidden", hidden)
        if not tasks:
            raise ValueError("a net needs at least one task")
        if len(set(tasks)) != len(tasks):
            raise ValueError(f"a net's tasks must be distinct: {tasks}")
        if not hidden or any(int(h) != h or h < 1 for h in hidden):
            raise ValueError(f"hidden layer sizes must be positive integers, got {hidden}")
        if self.task_weights is not None:
            w = tuple(float(x) for x in self.task_weights)
            if len(w) != len(tasks):
                raise ValueError(f"{len(w)} task weights for {len(tasks)} tasks")
            if not all(np.isfinite(w)) or min(w) < 0:
                raise ValueError(f"task weights must be finite and >= 0, got {w}")
            object.__setattr__(self, "task_weights", w)

    @property
    def kind(self) -> str:
        return "STB" if len(self.tasks) == 1 else "MTB"

    def weights_vector(self) -> np.ndarray:
        w = self.task_weights
        return np.ones(len(self.tasks)) if w is None else np.array(w)


def layer_sizes(n_inputs: int, net: Net) -> tuple[int, ...]:
    return (n_inputs, *net.hidden, len(net.tasks))


def init_weights(sizes: Sequence[int], seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """One net's initial (W [out, in], b [out, 1]) per layer, in float64, from its seed."""
    g = torch.Generator().manual_seed(int(seed))
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        bound = 1.0 / np.sqrt(n_in)
        W = (torch.rand(n_out, n_in, generator=g, dtype=torch.float64) * 2 - 1) * bound
        b = (torch.rand(n_out, 1, generator=g, dtype=torch.float64) * 2 - 1) * bound
        layers.append((W, b))
    return layers


class Stack:
    """Nets of one shape: `W[l]` is [nets, out, in], `b[l]` is [nets, out, 1]."""

    def __init__(self, W: list[torch.Tensor], b: list[torch.Tensor], output: str = "sigmoid"):
        if output not in OUTPUTS:
            raise ValueError(f"unknown output activation {output!r}; use one of {OUTPUTS}")
        self.W, self.b, self.output = W, b, output

    @classmethod
    def init(cls, sizes: Sequence[int], seeds: Sequence[int], output: str = "sigmoid",
             dtype: torch.dtype = torch.float32) -> Stack:
        per_net = [init_weights(sizes, s) for s in seeds]
        W = [torch.stack([net[l][0] for net in per_net]).to(dtype) for l in range(len(sizes) - 1)]
        b = [torch.stack([net[l][1] for net in per_net]).to(dtype) for l in range(len(sizes) - 1)]
        return cls(W, b, output)

    @property
    def params(self) -> list[torch.Tensor]:
        return [*self.W, *self.b]

    def forward(self, X: torch.Tensor) -> list[torch.Tensor]:
        """Activations of every layer for inputs X [input sets, inputs, patterns]; last = output.

        X holds one input set per net, or one per run of `r` consecutive nets that share their
        inputs (the nets of one seed): then the first layer is one larger matmul per set.
        """
        acts = [X]
        for l, (W, b) in enumerate(zip(self.W, self.b, strict=True)):
            if l == 0:
                z = torch.baddbmm(self._shared(b, X), self._shared(W, X), X).view(
                    W.shape[0], W.shape[1], X.shape[-1])
            else:
                z = torch.baddbmm(b, W, acts[-1])
            last = l == len(self.W) - 1
            acts.append(z if last and self.output == "linear" else torch.sigmoid_(z))
        return acts

    def backward(self, acts: list[torch.Tensor], dE: torch.Tensor) -> list[torch.Tensor]:
        """Gradients (same order as `params`) given dLoss/dOutput `dE` [nets, outputs, patterns]."""
        delta = dE * acts[-1] * (1 - acts[-1]) if self.output == "sigmoid" else dE
        gW, gb = [], []
        for l in reversed(range(len(self.W))):
            if l == 0:
                X = acts[0]
                g = torch.bmm(self._shared(delta, X), X.transpose(1, 2))
                gW.append(g.view(self.W[0].shape))
            else:
                gW.append(torch.bmm(delta, acts[l].transpose(1, 2)))
            gb.append(delta.sum(-1, keepdim=True))
            if l > 0:  # no gradient is needed for the inputs
                a = acts[l]
                delta = torch.bmm(self.W[l].transpose(1, 2), delta) * a * (1 - a)
        return [*gW[::-1], *gb[::-1]]

    def task_gradients(self, acts: list[torch.Tensor], dE: torch.Tensor):
        """Each task's own gradient of the first (shared) layer: [nets, tasks, hidden, inputs]
        for the weights and [nets, tasks, hidden, 1] for the biases. Summed over tasks they
        are the first-layer gradients of `backward`. Nets with one hidden layer only."""
        if len(self.W) != 2:
            raise ValueError("per-task gradients are implemented for one hidden layer")
        X, a, y = acts
        delta = dE * y * (1 - y) if self.output == "sigmoid" else dE  # [nets, tasks, P]
        D = self.W[1][:, :, :, None] * delta[:, :, None, :] * (a * (1 - a))[:, None]
        N, K, H, P = D.shape
        gW = torch.bmm(D.reshape(X.shape[0], -1, P), X.transpose(1, 2))
        return gW.view(N, K, H, X.shape[1]), D.sum(-1, keepdim=True)

    @staticmethod
    def _shared(A: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
        """View [nets, units, k] as [input sets, nets per set * units, k]."""
        sets = X.shape[0]
        if A.shape[0] % sets:
            raise ValueError(f"{A.shape[0]} nets cannot share {sets} input sets evenly")
        return A.reshape(sets, -1, A.shape[-1])

    def net_weights(self, i: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Net i's (W, b) per layer as numpy arrays."""
        return [(W[i].numpy().copy(), b[i].numpy().copy()) for W, b in zip(self.W, self.b,
                                                                            strict=True)]


def predict(weights: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray,
            output: str = "sigmoid") -> np.ndarray:
    """Outputs [patterns, outputs] of one net from its (W, b) per layer and X [patterns, inputs]."""
    a = np.asarray(X, dtype=np.float64).T
    for l, (W, b) in enumerate(weights):
        z = W @ a + b
        last = l == len(weights) - 1
        a = z if last and output == "linear" else 1 / (1 + np.exp(-z))
    return a.T
