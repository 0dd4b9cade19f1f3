"""Paper-style tables of STB against MTB, and the shuffled-tasks control.

`compare_table` turns a `mtb.experiment.Comparison` into the paper's table form (Table 1 of
NIPS95, Table 2 of ML97): one row per task, the mean test RMSE of each STB size and of MTB,
and the percent change of MTB against the best and against the mean STB with a paired 95%
interval over seeds and a paired t-test, with the paper's own numbers beside ours. Every
change is recorded as a claim in a `ChapterResults`, so the table and the results file are
computed by one code path and cannot disagree. `shown` formats it for a page.

`shuffle_tasks` is ML97's control: the targets of some tasks are permuted across the
patterns, which keeps each task's distribution but cuts its relation to the inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from mtb.data import Patterns, TaskData
from mtb.experiment import Comparison
from mtb.results import ChapterResults

AGAINST = {"best": "vs best STB", "mean": "vs mean STB"}


def size_label(hidden: Sequence[int]) -> str:
    """(16,) -> '16HU'; (8, 8), two hidden layers of 8 -> '8-8HU'."""
    return "-".join(str(h) for h in hidden) + "HU"


def per_seed_change(stb, mtb, convention: str = "nips95") -> np.ndarray:
    """Percent change of each seed's pair of errors: nips95 (STB - MTB) / MTB, ml97
    (MTB - STB) / STB (see `mtb.stats.percent_change`)."""
    stb, mtb = np.asarray(stb, float), np.asarray(mtb, float)
    if convention == "nips95":
        return 100 * (stb - mtb) / mtb
    if convention == "ml97":
        return 100 * (mtb - stb) / stb
    raise ValueError(f"unknown convention {convention!r}; use 'nips95' or 'ml97'")


def compare_table(cmp: Comparison, *, name: str = "table", section: str = "",
                  paper: Mapping[str, Mapping[str, float]] | None = None,
                  significant: Mapping[str, bool] | None = None,
                  convention: str = "nips95", against: Sequence[str] = ("best", "mean"),
                  out: ChapterResults | None = None) -> pd.DataFrame:
    """The paper's table for `cmp`, one row per task, with two column levels.

    Level 0: 'STB <size>' for each STB size, 'MTB <size>' (mean test RMSE over seeds) and
    'vs best STB' / 'vs mean STB' (the changes named in `against`). Level 1: 'ours' and,
    when `paper` is given, 'paper'; a change also has 'low' and 'high' (paired bootstrap
    95% interval), 'p' (paired t-test) and 'verdict'.

    `paper[task]` maps level-0 labels to the paper's numbers (changes in `convention`);
    `significant[task]` says whether the paper marked that task's change significant
    (default True). The best STB size is `cmp.best_size()`.

    With `out`, the per-seed values behind every cell are added to it as
    '<name>/stb_<size>/<task>', '<name>/stb_best/<task>', '<name>/stb_mean/<task>',
    '<name>/mtb/<task>', and each change is recorded as claim '<name>/<task>/<best|mean>'
    (stat mtb_better, section `section`).
    """
    unknown = [t for t in {**(paper or {}), **(significant or {})} if t not in cmp.tasks]
    if unknown:
        raise KeyError(f"paper numbers for unknown tasks {unknown}; tasks are {list(cmp.tasks)}")
    bad = [a for a in against if a not in AGAINST]
    if bad:
        raise ValueError(f"against must name some of {list(AGAINST)}, got {bad}")
    out = ChapterResults(name, {}) if out is None else out
    stb_cols = [f"STB {size_label(h)}" for h in cmp.stb_hidden]
    mtb_col = f"MTB {size_label(cmp.mtb_hidden)}"
    reference = {"best": cmp.best_stb(), "mean": cmp.mean_stb()}
    rows = {}
    for k, task in enumerate(cmp.tasks):
        given = dict((paper or {}).get(task, {}))
        sig = bool((significant or {}).get(task, True))
        for j, h in enumerate(cmp.stb_hidden):
            out.add(f"{name}/stb_{size_label(h)}/{task}", cmp.stb[:, j, k])
        out.add(f"{name}/mtb/{task}", cmp.mtb[:, k])
        row = {}
        for col, values in [*zip(stb_cols, cmp.stb[:, :, k].T, strict=True),
                            (mtb_col, cmp.mtb[:, k])]:
            row[(col, "ours")] = float(np.mean(values))
            if paper is not None:
                row[(col, "paper")] = given.get(col, np.nan)
        for a in against:
            col = AGAINST[a]
            out.add(f"{name}/stb_{a}/{task}", reference[a][:, k])
            wanted = "better than" if sig else "no different from"
            c = out.claim(f"{name}/{task}/{a}", section,
                          f"{task}: MTB generalizes {wanted} the {a} STB", given.get(col),
                          "mtb_better", {"stb": f"{name}/stb_{a}/{task}",
                                         "mtb": f"{name}/mtb/{task}"},
                          convention=convention, paper_significant=sig)
            row.update({(col, "ours"): c["ours"], (col, "low"): c["low"],
                        (col, "high"): c["high"], (col, "p"): c["p"],
                        (col, "verdict"): c["verdict"]})
            if paper is not None:
                row[(col, "paper")] = given.get(col, np.nan)
                row[(col, "paper significant")] = sig
        rows[task] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.columns = pd.MultiIndex.from_tuples(table.columns)
    table.index.name = "task"
    table.attrs = {"convention": convention, "alpha": 0.05}
    return table


def shown(table: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """`compare_table`'s table as text for a page: RMSE to `digits` places, changes to one
    decimal with * where p <= 0.05 (ours) or where the paper marked them, intervals as
    [low, high]."""
    alpha = table.attrs.get("alpha", 0.05)
    cols = {}
    for top in dict.fromkeys(table.columns.get_level_values(0)):
        sub = table[top]
        change = "low" in sub.columns
        if not change:
            cols[(top, "ours")] = sub["ours"].map(lambda v: f"{v:.{digits}f}")
            if "paper" in sub.columns:
                cols[(top, "paper")] = sub["paper"].map(
                    lambda v: "" if pd.isna(v) else f"{v:.{digits}f}")
            continue
        star = np.where(sub["p"] <= alpha, "*", "")
        cols[(top, "ours")] = [f"{v:+.1f}{s}" for v, s in zip(sub["ours"], star, strict=True)]
        cols[(top, "95% interval")] = [f"[{lo:+.1f}, {hi:+.1f}]"
                                       for lo, hi in zip(sub["low"], sub["high"], strict=True)]
        cols[(top, "p")] = sub["p"].map(lambda v: f"{v:.3f}")
        if "paper" in sub.columns:
            cols[(top, "paper")] = [
                "" if pd.isna(v) else f"{v:+.1f}{'*' if s else ''}"
                for v, s in zip(sub["paper"], sub["paper significant"], strict=True)]
        cols[(top, "verdict")] = sub["verdict"]
    result = pd.DataFrame(cols, index=table.index)
    result.columns = pd.MultiIndex.from_tuples(result.columns)
    return result


def shuffle_tasks(data: TaskData, tasks: Sequence[str], seed: int | Sequence[int]) -> TaskData:
    """A copy of `data` in which the targets of `tasks` are permuted across patterns, in
    each split separately, with one permutation for all of them: each task keeps its
    distribution (and the shuffled tasks their relations to one another, masks included),
    but loses its relation to the inputs and to the other tasks."""
    tasks = list(tasks)
    if len(set(tasks)) != len(tasks):
        raise ValueError(f"tasks to shuffle must be distinct: {tasks}")
    cols = [data.train.task_index(t) for t in tasks]
    rng = np.random.default_rng(seed)

    def shuffle(p: Patterns) -> Patterns:
        order = rng.permutation(len(p))
        Y, mask = p.Y.copy(), p.mask.copy()
        Y[:, cols], mask[:, cols] = p.Y[order][:, cols], p.mask[order][:, cols]
        return Patterns(p.X, Y, mask, p.tasks)

    return TaskData(shuffle(data.train), shuffle(data.halt), shuffle(data.test))
