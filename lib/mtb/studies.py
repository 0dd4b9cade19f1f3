"""The chapter "After 1995" as three studies that run on any domain: serial transfer
against MTB (the paper's section 5), balancing the tasks' learning rates automatically or
by hand, and cheap predictors of which extra task helps a main task (section 6).

A `Domain` names the data (one `TaskData` per seed), the main tasks, the net sizes and the
learning settings. Each study trains every net of every seed in a few batched calls of
`mtb.train` and returns per-seed arrays; the chapter turns them into claims and tables.
Every error is a test RMSE at the task's own halt-set minimum (peak generalization), unless
the name says `final`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from mtb.balance import balance
from mtb.data import TaskData
from mtb.nets import Net, predict
from mtb.relatedness import alignment, alignment_at_init, target_correlation
from mtb.train import Config, NetResult, peak_errors, train


@dataclass(frozen=True)
class Domain:
    """What the studies need to know about a domain."""

    name: str
    data: tuple[TaskData, ...]  # one per seed: fresh training, halt and test sets
    main: tuple[str, ...]  # the main tasks; every other task is an extra task
    hidden: int  # hidden units of the MTB net (all tasks), also used for serial transfer
    pair_hidden: int  # hidden units of the STB nets and main+extra nets (relatedness)
    config: Config

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", tuple(self.data))
        object.__setattr__(self, "main", tuple(self.main))
        if not self.data:
            raise ValueError(f"{self.name}: no data sets (one per seed is needed)")
        if any(d.tasks != self.data[0].tasks for d in self.data):
            raise ValueError(f"{self.name}: every seed's data must have the same tasks")
        unknown = [t for t in self.main if t not in self.tasks]
        if not self.main or unknown:
            raise KeyError(f"{self.name}: unknown or no main tasks {unknown or list(self.main)};"
                           f" tasks are {list(self.tasks)}")
        if not self.extras:
            raise ValueError(f"{self.name}: every task is a main task; no extra task to study")

    @property
    def tasks(self) -> tuple[str, ...]:
        return self.data[0].tasks

    @property
    def extras(self) -> tuple[str, ...]:
        return tuple(t for t in self.tasks if t not in self.main)

    @property
    def seeds(self) -> int:
        return len(self.data)

    def index(self, tasks: Sequence[str]) -> list[int]:
        return [self.tasks.index(t) for t in tasks]

    def only(self, tasks: Sequence[str]) -> tuple[float, ...]:
        """Task weights that train `tasks` and ignore the others (weight 0)."""
        return tuple(1.0 if t in tasks else 0.0 for t in self.tasks)

    def mtb_nets(self) -> list[Net]:
        return [Net(self.tasks, (self.hidden,), s, s) for s in range(self.seeds)]


def final_test(results: Sequence[NetResult], data: Sequence[TaskData]) -> np.ndarray:
    """[nets, tasks] test RMSE of each net's weights after its last epoch (no early stop)."""
    rows = []
    for r in results:
        d = data[r.net.data].test
        y = predict(r.final, d.X, r.output)
        rows.append(np.sqrt((((y - d.Y) ** 2) * d.mask).sum(0) / d.mask.sum(0)))
    return np.stack(rows)


def relative(errors: np.ndarray, reference: np.ndarray, columns: Sequence[int]) -> np.ndarray:
    """[seeds] the mean over `columns` of each task's error divided by the mean over seeds of
    its `reference` error: a score over several tasks in which each task counts the same
    (1 = as good as the reference on average)."""
    errors, reference = np.asarray(errors), np.asarray(reference)
    if errors.shape[1:] != reference.shape[1:]:
        raise ValueError(f"errors {errors.shape} and reference {reference.shape} disagree")
    return (errors[:, columns] / reference.mean(0)[columns]).mean(1)


@dataclass
class EqualWeights:
    """Every net trained with fixed, equal task weights (the paper's vanilla MTB), and serial
    transfer. Arrays are [seeds, ...]; M main tasks, X extra tasks, K tasks."""

    stb: np.ndarray  # [S, M] each main task learned alone (pair_hidden units)
    mtb: np.ndarray  # [S, K] MTB, every task, `hidden` units
    mtb_halt: np.ndarray  # [S, K] the same, halt RMSE
    pairs: np.ndarray  # [S, M, X] main task m learned with extra task x only
    serial: np.ndarray  # [S, M] main tasks learned after the extra tasks (phase 2)
    reverse: np.ndarray  # [S, M] main tasks learned first (phase 1 of the reverse order)
    forget_extras: np.ndarray  # [S] extras' final / best error once the main tasks are learned
    forget_main: np.ndarray  # [S] main tasks' final / best error once the extras are learned
    seconds: float


def equal_weights(domain: Domain) -> EqualWeights:
    """Train, per seed, STB on each main task, MTB, every main+extra pair, and both orders of
    serial transfer: phase 1 learns one group of tasks (the other group's weights 0), phase 2
    continues from phase 1's last weights on the other group."""
    d, S = domain, domain.seeds
    first = (d.only(d.extras), d.only(d.main))
    nets = []
    for s in range(S):
        nets += [Net((m,), (d.pair_hidden,), s, s) for m in d.main]
        nets += [Net(d.tasks, (d.hidden,), s, s)]
        nets += [Net(d.tasks, (d.hidden,), s, s, w) for w in first]
        nets += [Net((m, x), (d.pair_hidden,), s, s) for m in d.main for x in d.extras]
    res = train(nets, d.data, d.config)
    M, X = len(d.main), len(d.extras)
    per = M + 3 + M * X
    rows = [res.nets[s * per:(s + 1) * per] for s in range(S)]
    stb = np.stack([[r.peak["test"][0] for r in row[:M]] for row in rows])
    mtb = [row[M] for row in rows]
    phase1_x, phase1_m = [row[M + 1] for row in rows], [row[M + 2] for row in rows]
    pairs = np.stack([[r.peak["test"][0] for r in row[M + 3:]] for row in rows]).reshape(S, M, X)
    # phase 2: the main tasks after the extras, and the extras after the main tasks
    res2 = train([Net(d.tasks, (d.hidden,), s, s, first[1]) for s in range(S)]
                 + [Net(d.tasks, (d.hidden,), s, s, first[0]) for s in range(S)],
                 d.data, d.config, initial=[r.final for r in phase1_x + phase1_m])
    phase2_m, phase2_x = res2.nets[:S], res2.nets[S:]
    im, ix = d.index(d.main), d.index(d.extras)
    forget_x = final_test(phase2_m, d.data)[:, ix] / peak_errors(phase1_x)[:, ix]
    forget_m = final_test(phase2_x, d.data)[:, im] / peak_errors(phase1_m)[:, im]
    return EqualWeights(stb, peak_errors(mtb), peak_errors(mtb, "halt"), pairs,
                        peak_errors(phase2_m)[:, im], peak_errors(phase1_m)[:, im],
                        forget_x.mean(1), forget_m.mean(1), res.seconds + res2.seconds)


@dataclass
class Weightings:
    """Test errors [seeds, tasks] of the MTB net under each task weighting."""

    errors: dict[str, np.ndarray]  # "equal", each automatic method, "tuned equal"
    manual_main: np.ndarray  # ML97's manual balancing aimed at the main tasks
    manual_all: np.ndarray  # the same aimed at all tasks
    lr_picked: np.ndarray  # [seeds] the learning rate tuned equal weighting chose


def weightings(domain: Domain, equal: EqualWeights, methods: Mapping[str, object],
               lr_factors: Sequence[float] = (0.5, 1.0, 2.0), rounds: int = 2) -> Weightings:
    """Train the MTB net with each automatic weighting in `methods` (see `mtb.weighting`),
    with ML97's manual balancing (`mtb.balance`, `rounds` rounds, the round kept per seed
    by halt error) and with equal weights at the learning rate (domain's times each of
    `lr_factors`) that gives the lowest mean relative halt error over all tasks."""
    d, nets = domain, domain.mtb_nets()
    if not lr_factors or min(lr_factors) <= 0:
        raise ValueError(f"lr_factors must be positive, got {list(lr_factors)}")
    errors = {"equal": equal.mtb}
    for name, w in methods.items():
        errors[name] = peak_errors(train(nets, d.data, d.config, weighting=w).nets)
    all_k, main_k = list(range(len(d.tasks))), d.index(d.main)
    manual = {}
    for aim, main, cols in (("main", d.main, main_k), ("all", (), all_k)):
        rounds_ = balance(nets, d.data, d.config, main=main, rounds=rounds).rounds
        keep = np.stack([relative(r.halt, equal.mtb_halt, cols) for r in rounds_]).argmin(0)
        manual[aim] = np.stack([rounds_[keep[s]].test[s] for s in range(d.seeds)])
    tests, halts = [], []
    for f in lr_factors:
        if f == 1.0:
            test, halt = equal.mtb, equal.mtb_halt
        else:
            r = train(nets, d.data, replace(d.config, lr=d.config.lr * f)).nets
            test, halt = peak_errors(r), peak_errors(r, "halt")
        tests.append(test)
        halts.append(relative(halt, equal.mtb_halt, all_k))
    pick = np.argmin(np.stack(halts), 0)
    errors["tuned equal"] = np.stack([tests[pick[s]][s] for s in range(d.seeds)])
    return Weightings(errors, manual["main"], manual["all"],
                      d.config.lr * np.asarray(lr_factors)[pick])


@dataclass
class Relatedness:
    """Per seed, main task and extra task: the measured benefit and the cheap measures."""

    benefit: np.ndarray  # [S, M, X] % change of main task m's error, pair (m, x) against STB
    measures: dict[str, np.ndarray]  # name -> [S, M, X]
    early_epochs: int


def relatedness(domain: Domain, equal: EqualWeights, early_epochs: int) -> Relatedness:
    """Benefit of each extra task to each main task, (STB - pair) / pair in percent, and three
    measures taken on the training set without training a pair: the cosine of the extra
    task's and the main task's input-to-hidden gradients at initialisation and after
    `early_epochs` epochs of MTB, and the |rank correlation| of their targets."""
    d = domain
    ix = d.index(d.extras)
    benefit = 100 * (equal.stb[:, :, None] - equal.pairs) / equal.pairs
    early = train(d.mtb_nets(), d.data, replace(d.config, epochs=int(early_epochs))).nets
    at_init, trained, corr = [], [], []
    for s, data in enumerate(d.data):
        p = data.train
        at_init.append([alignment_at_init(p, m, d.pair_hidden, s)[ix] for m in d.main])
        trained.append([alignment(early[s].final, p, m)[ix] for m in d.main])
        corr.append([target_correlation(p, m)[ix] for m in d.main])
    measures = {"alignment": np.array(at_init), "alignment_early": np.array(trained),
                "target_corr": np.array(corr)}
    return Relatedness(benefit, measures, int(early_epochs))
