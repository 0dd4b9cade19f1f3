"""Helpers of the 1D-DOORS chapter: input scaling, the shuffle control, STB on the main tasks
only, and Table 2 with ML97's numbers beside ours.

(The ALVINN chapter may grow similar helpers in `mtb.tables`; these are kept apart so the two
can be merged later.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from mtb.data import Patterns, TaskData
from mtb.experiment import Comparison, compare
from mtb.tables import shuffle_tasks
from mtb.train import Config

# ML97 Table 2 (ten trials each): test RMSE at peak generalization, and the change of MTB
# against the best STB size in ML97's sign convention, (MTB - STB) / STB (negative: MTB better).
ML97_TABLE2 = {
    "doorknob location": {"STB 6HU": 0.085, "STB 24HU": 0.082, "STB 96HU": 0.081,
                          "MTB 120HU": 0.062, "% change": -23.5},
    "door type": {"STB 6HU": 0.129, "STB 24HU": 0.086, "STB 96HU": 0.096,
                  "MTB 120HU": 0.059, "% change": -31.4},
}


def standardize(data: TaskData) -> TaskData:
    """Scale each input to zero mean and unit variance using the training set's statistics
    only (halt and test sets are scaled with the same numbers, as they would be at run time)."""
    mu = data.train.X.mean(0)
    sd = data.train.X.std(0)
    sd = np.where(sd > 1e-8, sd, 1.0)
    return data.map(lambda p: Patterns((p.X - mu) / sd, p.Y, p.mask, p.tasks))


def shuffle_extra(data: TaskData, keep: Sequence[str], seed: int) -> TaskData:
    """The shuffle control: every task not in `keep` gets the targets of another pattern
    (one permutation per split for all of them; see `mtb.tables.shuffle_tasks`)."""
    unknown = [t for t in keep if t not in data.tasks]
    if unknown:
        raise KeyError(f"unknown tasks {unknown}; tasks are {list(data.tasks)}")
    return shuffle_tasks(data, [t for t in data.tasks if t not in keep], seed=[int(seed), 7])


def compare_main(data: Sequence[TaskData], main_tasks: Sequence[str],
                 stb_hidden: Sequence = (6, 24, 96), mtb_hidden=120,
                 config: Config = Config()) -> Comparison:
    """STB nets only for `main_tasks`; the MTB net learns every task of the data."""
    return compare(data, main_tasks, stb_hidden, mtb_hidden, config, mtb_tasks=data[0].tasks)


def table2(cmp: Comparison, changes: dict[str, dict], tasks: Sequence[str],
           paper: dict[str, dict] | None = ML97_TABLE2) -> pd.DataFrame:
    """Table 2: for each task a row of ML97's numbers (where `paper` has the task) and a row of
    ours (means over seeds), with the change against the best STB size; `changes[task]` is
    the claim (or `mtb.stats.paired_change`) dict: ours/change, low, high, p."""
    sizes = [f"STB {h[0]}HU" for h in cmp.stb_hidden]
    mtb_col = f"MTB {cmp.mtb_hidden[0]}HU"
    rows = []
    for task in tasks:
        k = cmp.task(task)
        if paper and task in paper:
            rows.append({"task": task, "source": "ML97", **{c: paper[task].get(c) for c in sizes},
                         mtb_col: paper[task].get(mtb_col), "% change": paper[task]["% change"],
                         "95% interval": "", "p": "<= .05"})
        c = changes[task]
        rows.append({"task": task, "source": f"ours ({len(cmp.mtb)} seeds)",
                     **{col: cmp.stb[:, j, k].mean() for j, col in enumerate(sizes)},
                     mtb_col: cmp.mtb[:, k].mean(), "% change": c.get("ours", c.get("change")),
                     "95% interval": f"[{c['low']:+.1f}, {c['high']:+.1f}]",
                     "p": f"{c['p']:.3g}"})
    return pd.DataFrame(rows).set_index(["task", "source"])
