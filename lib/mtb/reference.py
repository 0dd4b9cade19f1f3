"""The plain way: one `torch.nn` net at a time, autograd and `torch.optim.SGD`.

This is what `mtb.train` must agree with (tests) and what it is measured
against (benchmark). It uses the same initial weights (`mtb.nets.init_weights`),
the same loss and the same mini-batch order, and nothing else of `mtb.train`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from mtb.data import SPLITS, TaskData
from mtb.nets import Net, init_weights, layer_sizes
from mtb.train import DTYPES, Config, epoch_order


def build(net: Net, n_inputs: int, output: str, dtype: torch.dtype) -> nn.Sequential:
    """nn.Linear + nn.Sigmoid layers holding the net's initial weights."""
    layers: list[nn.Module] = []
    sizes = layer_sizes(n_inputs, net)
    for l, (W, b) in enumerate(init_weights(sizes, net.seed)):
        lin = nn.Linear(W.shape[1], W.shape[0]).to(dtype)
        with torch.no_grad():
            lin.weight.copy_(W)
            lin.bias.copy_(b[:, 0])
        layers.append(lin)
        if l < len(sizes) - 2 or output == "sigmoid":
            layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


def train_one(net: Net, data: TaskData, config: Config = Config()) -> np.ndarray:
    """Learning curves [evaluations, tasks, 3 splits] (RMSE) of one net, trained the plain way."""
    torch.set_num_threads(config.threads)
    dtype = DTYPES[config.dtype]
    model = build(net, data.n_inputs, config.output, dtype)
    opt = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum)
    cols = [data.tasks.index(t) for t in net.tasks]
    sets = {s: [torch.tensor(a, dtype=dtype) for a in
                (data.split(s).X, data.split(s).Y[:, cols], data.split(s).mask[:, cols])]
            for s in SPLITS}
    X, Y, M = sets["train"]
    w = torch.tensor(net.weights_vector(), dtype=dtype)
    n = len(X)
    batch = n if config.batch_size is None else config.batch_size
    curves = []
    for epoch in range(config.epochs + 1):
        if epoch in config.eval_epochs:
            with torch.no_grad():
                curves.append([_rmse(model, *sets[s]) for s in SPLITS])
        if epoch == config.epochs:
            break
        order = np.arange(n) if config.batch_size is None else epoch_order(net.seed, epoch, n)
        for start in range(0, n, batch):
            i = torch.from_numpy(order[start:start + batch])
            loss = 0.5 * (w * M[i] * (model(X[i]) - Y[i]) ** 2).sum() / len(i)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return np.array(curves, dtype=np.float64).transpose(0, 2, 1)


def _rmse(model: nn.Module, X, Y, M) -> list[float]:
    sq = (M * (model(X) - Y) ** 2).sum(0) / M.sum(0)
    return sq.sqrt().tolist()
