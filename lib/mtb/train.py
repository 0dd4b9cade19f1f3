"""Vanilla backprop for many nets at once, with per-task peak generalization.

`train(nets, data, config)` trains every `Net` on its seed's `TaskData`:
squared error, SGD with momentum, full-batch (default) or mini-batch
updates. After every epoch it measures each task's RMSE on the training,
halt and test sets, and for each task it keeps the weights from the epoch
where that task's halt-set error was lowest: the paper's "peak
generalization", one snapshot per task.

Nets with the same layer sizes are stacked and trained as one (`mtb.nets.Stack`);
a net's numbers do not depend on which other nets share its stack, up to
float rounding (tests check both).

The loss of a net on a batch of P patterns is

    L = 1/(2P) * sum_p sum_k  w_k * m_pk * (y_pk - t_pk)^2

with w_k the task's learning-rate multiplier and m_pk = 0 where task k is
undefined for pattern p. Tasks are summed, not averaged, so an output of an
MTB net gets the same error signal as the single output of an STB net.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from mtb.data import SPLITS, TaskData
from mtb.nets import OUTPUTS, Net, Stack, layer_sizes, predict
from mtb.progress import bar

DTYPES = {"float32": torch.float32, "float64": torch.float64}


@dataclass(frozen=True)
class Config:
    """Learning settings shared by every net of one `train` call."""

    epochs: int = 1000
    lr: float = 1.0
    momentum: float = 0.9
    batch_size: int | None = None  # None: full batch (one update per epoch)
    output: str = "sigmoid"  # or "linear"
    eval_every: int = 1  # epochs between measurements of the learning curves
    dtype: str = "float32"
    # fixed, not the machine's core count, so results do not depend on it; 1 because two
    # threads gain ~1.5x on an idle machine but lose 5-10x when another process competes
    threads: int = 1
    keep_weights: bool = True  # keep each task's snapshot at its halt-set minimum
    # False: no test-set curves; each task's test error is measured once, on its snapshot
    # (the same number, at ~40% less cost when the test set is the largest)
    test_curves: bool = True

    def __post_init__(self) -> None:
        if int(self.epochs) != self.epochs or self.epochs < 1:
            raise ValueError(f"epochs must be a positive integer, got {self.epochs}")
        if not (np.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"learning rate must be positive and finite, got {self.lr}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum}")
        if self.batch_size is not None and (int(self.batch_size) != self.batch_size
                                            or self.batch_size < 1):
            raise ValueError(f"batch_size must be a positive integer or None, "
                             f"got {self.batch_size}")
        if self.output not in OUTPUTS:
            raise ValueError(f"unknown output activation {self.output!r}; use one of {OUTPUTS}")
        if int(self.eval_every) != self.eval_every or self.eval_every < 1:
            raise ValueError(f"eval_every must be a positive integer, got {self.eval_every}")
        if self.dtype not in DTYPES:
            raise ValueError(f"unknown dtype {self.dtype!r}; use one of {tuple(DTYPES)}")
        if not self.test_curves and not self.keep_weights:
            raise ValueError("test_curves=False needs keep_weights=True (the test error at a "
                             "task's peak is measured on its snapshot)")
        if int(self.threads) != self.threads or self.threads < 1:
            raise ValueError(f"threads must be a positive integer, got {self.threads}")

    @property
    def eval_epochs(self) -> np.ndarray:
        """Epochs after which errors are measured: 0 (initial weights), every `eval_every`, last."""
        return np.unique(np.r_[np.arange(0, self.epochs, self.eval_every), self.epochs])


@dataclass
class NetResult:
    """One trained net: learning curves and, per task, its peak generalization."""

    net: Net
    epochs: np.ndarray  # [evaluations] epoch of each point of the curves
    curves: dict[str, np.ndarray]  # split -> [evaluations, tasks] RMSE
    peak_epoch: np.ndarray  # [tasks] epoch of each task's halt-set minimum
    peak: dict[str, np.ndarray]  # split -> [tasks] RMSE at that epoch
    snapshots: list | None = None  # per task: the net's (W, b) per layer at its peak
    output: str = "sigmoid"
    final: list | None = None  # the net's (W, b) per layer after the last epoch

    def peak_test(self, task: str) -> float:
        return self.peak_error(task, "test")

    def peak_error(self, task: str, split: str = "test") -> float:
        """Task's RMSE on `split` at its own halt-set minimum."""
        return float(self.peak[split][self._k(task)])

    def curve(self, task: str, split: str = "test") -> np.ndarray:
        return self.curves[split][:, self._k(task)]

    def predict(self, X: np.ndarray, task: str) -> np.ndarray:
        """Task's outputs on X from the snapshot taken at that task's peak."""
        if self.snapshots is None:
            raise ValueError("snapshots were not kept (Config.keep_weights=False)")
        k = self._k(task)
        return predict(self.snapshots[k], X, self.output)[:, k]

    def _k(self, task: str) -> int:
        if task not in self.net.tasks:
            raise KeyError(f"unknown task {task!r}; this net's tasks are {list(self.net.tasks)}")
        return self.net.tasks.index(task)


def peak_errors(results: Sequence[NetResult], split: str = "test") -> np.ndarray:
    """[nets, tasks] RMSE on `split` of every task at its own halt-set minimum."""
    return np.stack([r.peak[split] for r in results])


@dataclass
class Result:
    """What `train` returns: one `NetResult` per net, in the order given."""

    nets: list[NetResult]
    config: Config
    seconds: float = 0.0
    groups: list[tuple[int, ...]] = field(default_factory=list)

    def __getitem__(self, i: int) -> NetResult:
        return self.nets[i]

    def __len__(self) -> int:
        return len(self.nets)

    def peaks(self) -> list[dict]:
        """One row per (net, task): the net, the task and its errors at peak generalization."""
        rows = []
        for i, r in enumerate(self.nets):
            for k, task in enumerate(r.net.tasks):
                rows.append({"net": i, "kind": r.net.kind, "hidden": r.net.hidden,
                             "data": r.net.data, "seed": r.net.seed, "task": task,
                             "peak_epoch": int(r.peak_epoch[k]),
                             **{s: float(r.peak[s][k]) for s in SPLITS}})
        return rows


def train(nets: Sequence[Net], data: Sequence[TaskData] | TaskData,
          config: Config = Config(), weighting=None, initial: Sequence | None = None) -> Result:
    """Train every net on `data[net.data]`; return curves and per-task peaks.

    `weighting` (see `mtb.weighting`) changes the tasks' weights during training; None
    keeps them fixed (each net's `task_weights`), the paper's vanilla MTB. `initial` gives,
    per net, its starting (W, b) per layer (e.g. another run's `NetResult.final`, for serial
    transfer) or None for the seeded initialisation."""
    data = [data] if isinstance(data, TaskData) else list(data)
    nets = list(nets)
    _validate(nets, data, config)
    initial = [None] * len(nets) if initial is None else list(initial)
    _validate_initial(nets, data, initial)
    torch.set_num_threads(config.threads)
    start = time.perf_counter()
    groups = _group_by_shape(nets, data)
    out: list[NetResult | None] = [None] * len(nets)
    progress = bar(total=len(groups) * config.epochs, desc="training nets")
    for members in groups:
        group = _train_group([nets[i] for i in members], data, config, progress, weighting,
                             [initial[i] for i in members])
        for i, r in zip(members, group, strict=True):
            out[i] = r
    progress.close()
    return Result(out, config, time.perf_counter() - start, [tuple(g) for g in groups])


def _validate(nets: list[Net], data: list[TaskData], config: Config) -> None:
    if not nets:
        raise ValueError("no nets to train")
    if not data:
        raise ValueError("no data sets given")
    for i, net in enumerate(nets):
        if not isinstance(net, Net):
            raise TypeError(f"nets[{i}] is a {type(net).__name__}, not an mtb.Net")
        if not 0 <= net.data < len(data):
            raise IndexError(f"nets[{i}] uses data set {net.data}, but {len(data)} were given")
        d = data[net.data]
        for task in net.tasks:
            if task not in d.tasks:
                raise KeyError(f"nets[{i}]: unknown task {task!r}; data set {net.data} "
                               f"has tasks {list(d.tasks)}")
    for j, d in enumerate(data):
        for s in SPLITS:
            p = d.split(s)
            if config.output == "sigmoid":
                defined = p.Y[p.mask]
                if defined.size and (defined.min() < 0 or defined.max() > 1):
                    bad = [t for k, t in enumerate(p.tasks) if p.mask[:, k].any() and (
                        p.Y[p.mask[:, k], k].min() < 0 or p.Y[p.mask[:, k], k].max() > 1)]
                    raise ValueError(f"data set {j}, {s} set: targets of {bad} lie outside [0, 1], "
                                     "the range of a sigmoid output (scale them, or use "
                                     "output='linear')")
            used = {t for net in nets if net.data == j for t in net.tasks}
            empty = [t for t in used if not p.mask[:, p.task_index(t)].any()]
            if empty:
                raise ValueError(f"data set {j}, {s} set: tasks {empty} have no defined target")
    if config.batch_size is not None:
        n_train = min(len(d.train) for d in data)
        if config.batch_size > n_train:
            raise ValueError(f"batch_size {config.batch_size} exceeds the {n_train} "
                             "training patterns")


def _validate_initial(nets: list[Net], data: list[TaskData], initial: list) -> None:
    if len(initial) != len(nets):
        raise ValueError(f"{len(initial)} initial weight sets for {len(nets)} nets")
    for i, (net, layers) in enumerate(zip(nets, initial, strict=True)):
        if layers is None:
            continue
        sizes = layer_sizes(data[net.data].n_inputs, net)
        want = [((o, n), (o, 1)) for n, o in zip(sizes[:-1], sizes[1:], strict=True)]
        got = [(np.shape(W), np.shape(b)) for W, b in layers]
        if got != want:
            raise ValueError(f"initial weights of nets[{i}] have shapes {got}, "
                             f"the net needs {want}")
        if not all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in layers):
            raise ValueError(f"initial weights of nets[{i}] contain NaN or inf")


def _group_by_shape(nets: list[Net], data: list[TaskData]) -> list[list[int]]:
    """Indices of nets that can share a stack: same layer sizes and same set sizes."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, net in enumerate(nets):
        d = data[net.data]
        key = (layer_sizes(d.n_inputs, net), tuple(len(d.split(s)) for s in SPLITS))
        groups[key].append(i)
    # nets of one data set side by side, so that they can share their inputs (see _stack_data)
    return [sorted(g, key=lambda i: nets[i].data) for g in groups.values()]


def _stack_data(nets: list[Net], data: list[TaskData], dtype: torch.dtype):
    """Inputs [input sets, inputs, patterns], targets and mask [nets, tasks, patterns]; the
    patterns are the training, halt and test sets one after another. Nets come sorted by data
    set; when every data set has the same number of nets, each set's inputs are stored once."""
    def joined(d: TaskData, what: str, cols=slice(None)) -> np.ndarray:
        return np.concatenate([getattr(d.split(s), what)[:, cols] for s in SPLITS]).T

    used = [n.data for n in nets]
    counts = np.unique(used, return_counts=True)[1]
    sets = sorted(set(used)) if len(set(counts)) == 1 else used
    X = np.stack([joined(data[j], "X") for j in sets])
    T, M = [], []
    for net in nets:
        cols = [data[net.data].tasks.index(t) for t in net.tasks]
        T.append(joined(data[net.data], "Y", cols))
        M.append(joined(data[net.data], "mask", cols))
    return (*(torch.from_numpy(np.stack(a) if isinstance(a, list) else a).to(dtype).contiguous()
              for a in (X, T, M)),)


def epoch_order(seed: int, epoch: int, n: int) -> np.ndarray:
    """The order of the training patterns in one epoch of mini-batch training for one net."""
    return np.random.default_rng([int(seed), int(epoch)]).permutation(n)


def _train_group(nets: list[Net], data: list[TaskData], config: Config, progress,
                 weighting=None, initial: list | None = None):
    dtype = DTYPES[config.dtype]
    sizes = layer_sizes(data[nets[0].data].n_inputs, nets[0])
    stack = Stack.init(sizes, [n.seed for n in nets], config.output, dtype)
    for i, layers in enumerate(initial or []):
        for l, (W, b) in enumerate(layers or []):
            stack.W[l][i] = torch.as_tensor(W, dtype=dtype)
            stack.b[l][i] = torch.as_tensor(b, dtype=dtype)
    X, T, M = _stack_data(nets, data, dtype)
    d0 = data[nets[0].data]
    n_train = len(d0.train)
    edges = np.cumsum([0, *(len(d0.split(s)) for s in SPLITS)])
    bounds = list(zip(edges[:-1], edges[1:], strict=True))
    counts = torch.stack([M[..., a:b].sum(-1) for a, b in bounds], -1)  # defined targets per split
    all_defined = bool(M.all())
    measured = bounds if config.test_curves else bounds[:2]  # splits measured every epoch
    w = torch.tensor(np.stack([n.weights_vector() for n in nets]), dtype=dtype)[:, :, None]
    velocity = [torch.zeros_like(p) for p in stack.params]
    eval_epochs = config.eval_epochs
    curves = torch.empty(len(eval_epochs), len(nets), len(nets[0].tasks), 3, dtype=dtype)
    snap = _Snapshots(stack, len(nets[0].tasks)) if config.keep_weights else None

    dynamic = None if weighting is None else weighting.start(len(nets), len(nets[0].tasks))

    def step(acts, err, n):
        scale = w
        if dynamic is not None:
            losses = 0.5 * (err * err).sum(-1) / n  # [nets, tasks] on this batch
            per_task = stack.task_gradients(acts, err * w / n) if dynamic.gradients else None
            scale = w * dynamic.weights(losses, per_task)[:, :, None]
        grads = stack.backward(acts, err * scale / n)
        if dynamic is not None and hasattr(dynamic, "combine"):  # e.g. PCGrad
            gW, gb = stack.task_gradients(acts, err * scale / n)
            grads[0], grads[len(stack.W)] = dynamic.combine(gW, gb)
        torch._foreach_mul_(velocity, config.momentum)
        torch._foreach_add_(velocity, grads)
        torch._foreach_add_(stack.params, velocity, alpha=-config.lr)

    j = 0
    for epoch in range(config.epochs + 1):
        evaluate = j < len(eval_epochs) and eval_epochs[j] == epoch
        full_batch = config.batch_size is None and epoch < config.epochs
        if evaluate or full_batch:
            # one forward pass serves both the measurement and the full-batch update
            acts = stack.forward(X[..., :measured[-1][1]] if evaluate else X[..., :n_train])
            P = acts[-1].shape[-1]
            err = acts[-1] - T[..., :P]
            if not all_defined:
                err *= M[..., :P]
        if evaluate:
            sq = err * err
            curves[j, ..., :len(measured)] = torch.sqrt(
                torch.stack([sq[..., a:b].sum(-1) for a, b in measured], -1)
                / counts[..., :len(measured)])
            if snap is not None:
                snap.update(curves[j, :, :, 1])
            j += 1
        if epoch == config.epochs:
            break
        if full_batch:
            step([a[..., :n_train] for a in acts], err[..., :n_train], n_train)
        else:
            _minibatch_epoch(stack, nets, X, T, M, n_train, epoch, config.batch_size, step)
        progress.update(1)

    if not config.test_curves:
        curves[..., 2] = float("nan")
    curves = curves.numpy().astype(np.float64)
    if not np.isfinite(curves[..., :len(measured)]).all():
        raise FloatingPointError("training diverged (non-finite error); lower the learning rate")
    results = [_net_result(net, i, eval_epochs, curves, snap, config.output)
               for i, net in enumerate(nets)]
    for i, r in enumerate(results):
        r.final = stack.net_weights(i)
    if not config.test_curves:
        at_peak = snap.errors(X, T, M, bounds[2]).numpy().astype(np.float64)
        for r, e in zip(results, at_peak, strict=True):
            r.peak["test"] = e
    return results


def _minibatch_epoch(stack, nets, X, T, M, n_train, epoch, batch_size, step) -> None:
    order = torch.from_numpy(np.stack([epoch_order(n.seed, epoch, n_train) for n in nets]))
    X = X[..., :n_train].repeat_interleave(len(nets) // X.shape[0], 0)  # each net its own order
    for start in range(0, n_train, batch_size):
        idx = order[:, start:start + batch_size]
        pick = [torch.gather(A[..., :n_train], 2, idx[:, None, :].expand(-1, A.shape[1], -1))
                for A in (X, T, M)]
        acts = stack.forward(pick[0])
        step(acts, (acts[-1] - pick[1]) * pick[2], idx.shape[1])


class _Snapshots:
    """Per (net, task): the lowest halt error so far and the net's weights at that epoch."""

    def __init__(self, stack: Stack, n_tasks: int):
        self.stack = stack
        self.best = None
        self.params = [p.unsqueeze(1).repeat_interleave(n_tasks, 1).clone() for p in stack.params]

    def update(self, halt: torch.Tensor) -> None:
        if self.best is None:
            self.best = halt.clone()
            return
        improved = halt < self.best  # strict: ties keep the first minimum, as argmin does
        if improved.any():
            n, k = improved.nonzero(as_tuple=True)
            self.best[n, k] = halt[n, k]
            for kept, p in zip(self.params, self.stack.params, strict=True):
                kept[n, k] = p[n]

    def errors(self, X: torch.Tensor, T: torch.Tensor, M: torch.Tensor,
               split: tuple[int, int]) -> torch.Tensor:
        """[nets, tasks] RMSE of each task's snapshot on its own output, on patterns `split`."""
        a, b = split
        N, K = self.params[0].shape[:2]
        L = len(self.stack.W)
        flat = [p.reshape(N * K, *p.shape[2:]) for p in self.params]  # a net per (net, task)
        y = Stack(flat[:L], flat[L:], self.stack.output).forward(X[..., a:b])[-1]
        own = y.view(N, K, K, b - a).diagonal(dim1=1, dim2=2).transpose(1, 2)  # [N, K, P]
        m = M[..., a:b]
        return torch.sqrt((((own - T[..., a:b]) * m) ** 2).sum(-1) / m.sum(-1))

    def of(self, i: int, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
        L = len(self.stack.W)
        return [(self.params[l][i, k].numpy().copy(), self.params[L + l][i, k].numpy().copy())
                for l in range(L)]


def _net_result(net, i, eval_epochs, curves, snap, output) -> NetResult:
    c = {s: curves[:, i, :, j] for j, s in enumerate(SPLITS)}
    best = np.argmin(c["halt"], axis=0)  # first minimum, as the snapshots
    K = len(net.tasks)
    peak = {s: c[s][best, np.arange(K)] for s in SPLITS}
    snaps = None if snap is None else [snap.of(i, k) for k in range(K)]
    return NetResult(net, eval_epochs, c, eval_epochs[best], peak, snaps, output)
