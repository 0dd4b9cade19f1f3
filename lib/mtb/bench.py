"""Benchmark: the batched trainer against the plain per-net PyTorch loop (`make bench`).

Workloads (full batch, evaluation of every task on every set every epoch):
  (a) the Table-1 STB set: 36 nets 32-{2,4,8,16}-1, 200 training and 1000
      evaluation (500 halt + 500 test) patterns, 1000 epochs;
  (b) MTB-shaped: 40 nets 32-16-9, the same data sizes.
Prints the time of each, the speed-up, and the achieved GFLOP/s of the
batched trainer against a matmul peak measured here on the same threads.
Run: python -m mtb.bench [--epochs N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from mtb.data import Patterns, split_patterns
from mtb.nets import Net, layer_sizes
from mtb.reference import train_one
from mtb.train import Config, train

N_TRAIN, N_HALT, N_TEST, N_INPUTS = 200, 500, 500, 32
TASKS = tuple(f"task {k}" for k in range(9))


def random_data(seed: int = 0):
    """Random inputs and smooth targets of the Table-1 shape (the numbers do not matter here)."""
    rng = np.random.default_rng(seed)
    n = N_TRAIN + N_HALT + N_TEST
    X = rng.random((n, N_INPUTS))
    Y = 1 / (1 + np.exp(-(X - 0.5) @ rng.normal(size=(N_INPUTS, len(TASKS)))))
    return split_patterns(Patterns(X, Y, None, TASKS), N_TRAIN, N_HALT, N_TEST)


def workloads() -> dict[str, list[Net]]:
    stb = [Net((t,), (h,), seed=i) for i, (t, h) in
           enumerate((t, h) for t in TASKS for h in (2, 4, 8, 16))]
    mtb = [Net(TASKS, (16,), seed=i) for i in range(40)]
    return {"(a) Table-1 STB set: 36 nets 32-{2,4,8,16}-1": stb,
            "(b) MTB-shaped: 40 nets 32-16-9": mtb}


def flops(nets: list[Net], epochs: int) -> float:
    """Matmul FLOPs of training: forward on all patterns, backward on the training patterns."""
    total = 0.0
    n_all = N_TRAIN + N_HALT + N_TEST
    for net in nets:
        sizes = layer_sizes(N_INPUTS, net)
        macs = [a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
        forward = 2 * sum(macs) * n_all
        backward = 2 * N_TRAIN * (sum(macs) + sum(macs[1:]))  # weight grads + hidden deltas
        total += epochs * (forward + backward)
    return total


def matmul_peak(threads: int, n: int = 1024, repeats: int = 20) -> float:
    """GFLOP/s of a large fp32 matmul on `threads` threads (best of several)."""
    torch.set_num_threads(threads)
    a, b = torch.rand(n, n), torch.rand(n, n)
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t)
    return 2 * n**3 / best / 1e9


def run(epochs: int = 1000, threads: int = 1) -> list[dict]:
    data = random_data()
    config = Config(epochs=epochs, threads=threads, keep_weights=True)
    peak = matmul_peak(threads)
    rows = []
    for name, nets in workloads().items():
        train(nets[:2], data, Config(epochs=5, threads=threads))  # warm-up
        t = time.perf_counter()
        train(nets, data, config)
        batched = time.perf_counter() - t
        t = time.perf_counter()
        for net in nets:
            train_one(net, data, config)
        plain = time.perf_counter() - t
        gflops = flops(nets, epochs) / batched / 1e9
        rows.append({"workload": name, "epochs": epochs, "threads": threads,
                     "plain_s": plain, "batched_s": batched, "speedup": plain / batched,
                     "gflops": gflops, "matmul_peak_gflops": peak,
                     "fraction_of_peak": gflops / peak})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    rows = run(args.epochs, args.threads)
    for r in rows:
        print(f"{r['workload']}\n  plain loop {r['plain_s']:6.1f} s"
              f"   batched {r['batched_s']:5.2f} s"
              f"   speed-up {r['speedup']:5.1f}x   {r['gflops']:5.1f} GFLOP/s = "
              f"{100 * r['fraction_of_peak']:.0f}% of the measured matmul peak "
              f"({r['matmul_peak_gflops']:.0f} GFLOP/s, {r['threads']} threads)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
