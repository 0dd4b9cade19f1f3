"""Diabetes: future measurements as extra outputs, on real public data (the paper's section 4).

The paper's medical example: predict illness severity from the cheap measurements taken
before admission, and use the expensive lab tests, which exist for the training patients
but not at run time, as extra *outputs*. Its pneumonia data is not public; scikit-learn's
bundled diabetes data (Efron et al. 2004; loaded offline) has the same structure:

* 442 patients; main task: disease progression one year after baseline (25-346);
* cheap inputs: age, sex, body mass index, mean blood pressure;
* extra outputs (training time only): six blood-serum measurements (total cholesterol,
  LDL, HDL, total/HDL ratio, log triglycerides, glucose).

Each seed is a fresh random split of the patients into training, halt and test sets. All
scaling uses the training set's statistics only, as it would have to at run time: inputs
to zero mean and unit variance; every target linearly to [MARGIN, 1 - MARGIN] (sigmoid
outputs), its training minimum to MARGIN and maximum to 1 - MARGIN. A halt or test value
beyond the training range by more than MARGIN / (1 - 2 MARGIN) of that range is clipped
to [0, 1] (rare; `Scaling.clipped` counts them). `Scaling` maps predictions and errors
back to the original units.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from mtb.data import Patterns, TaskData

CHEAP = ("age", "sex", "bmi", "bp")
SERUM = ("s1", "s2", "s3", "s4", "s5", "s6")
SERUM_NAMES = {"s1": "total cholesterol", "s2": "LDL", "s3": "HDL", "s4": "total / HDL",
               "s5": "log triglycerides", "s6": "glucose"}
MAIN_TASK = "progression"
TASKS = (MAIN_TASK, *SERUM)
N_PATIENTS = 442
MARGIN = 0.1  # targets of the training set span [MARGIN, 1 - MARGIN]


@cache
def load() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw data in original units: cheap inputs [442, 4], serum [442, 6], progression [442]."""
    from sklearn.datasets import load_diabetes

    d = load_diabetes(scaled=False)
    names = list(d.feature_names)
    X = d.data[:, [names.index(c) for c in CHEAP]]
    S = d.data[:, [names.index(c) for c in SERUM]]
    for a in (X, S, d.target):
        a.setflags(write=False)
    return X, S, d.target


@dataclass(frozen=True)
class Scaling:
    """The training set's target range per task, and how many halt/test targets were clipped."""

    tasks: tuple[str, ...]
    low: np.ndarray  # [tasks] training minimum, mapped to MARGIN
    high: np.ndarray  # [tasks] training maximum, mapped to 1 - MARGIN
    clipped: int = 0

    @property
    def unit(self) -> np.ndarray:
        """Original units per unit of scaled target: [tasks]."""
        return (self.high - self.low) / (1 - 2 * MARGIN)

    def to_unit(self, values: np.ndarray) -> np.ndarray:
        """Original values [patterns, tasks] -> scaled targets (not clipped)."""
        return MARGIN + (np.asarray(values, np.float64) - self.low) / self.unit

    def to_original(self, values, task: str = MAIN_TASK) -> np.ndarray:
        """Scaled outputs of one task (e.g. a net's predictions) -> original units."""
        k = self.tasks.index(task)
        return self.low[k] + (np.asarray(values, np.float64) - MARGIN) * self.unit[k]

    def error_to_original(self, rmse, task: str = MAIN_TASK) -> np.ndarray:
        """An error (RMSE) on the scaled targets of one task -> the same error in its units."""
        return np.asarray(rmse, np.float64) * self.unit[self.tasks.index(task)]


def split(seed: int, n_train: int, n_halt: int, n_test: int | None = None
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random split of the patients for one seed: (train, halt, test) index arrays.
    `n_test` None: every patient not in the training or halt set."""
    n_test = N_PATIENTS - n_train - n_halt if n_test is None else n_test
    sizes = (n_train, n_halt, n_test)
    if min(sizes) < 1 or sum(sizes) > N_PATIENTS:
        raise ValueError(f"need positive set sizes summing to at most {N_PATIENTS}, got {sizes}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    order = np.random.default_rng([int(seed), 442]).permutation(N_PATIENTS)
    a, b = n_train, n_train + n_halt
    return order[:a], order[a:b], order[b:b + n_test]


def make_data(seed: int, n_train: int, n_halt: int, n_test: int | None = None,
              serum_inputs: bool = False) -> tuple[TaskData, Scaling]:
    """One seed's training, halt and test patients, scaled with the training set's statistics.

    Targets are always the 7 TASKS (progression first). Inputs are the 4 cheap measurements,
    or, with `serum_inputs`, those and the 6 serum values (the reference a net could reach
    if the future measurements were available at run time).
    """
    cheap, serum, progression = load()
    X = np.column_stack([cheap, serum]) if serum_inputs else cheap
    Y = np.column_stack([progression, serum])
    idx = split(seed, n_train, n_halt, n_test)
    train = idx[0]
    mu, sd = X[train].mean(0), X[train].std(0)
    sd = np.where(sd > 0, sd, 1.0)
    scaling = Scaling(TASKS, Y[train].min(0), Y[train].max(0))
    sets, clipped = [], 0
    for ix in idx:
        T = scaling.to_unit(Y[ix])
        clipped += int(((T < 0) | (T > 1)).sum())
        sets.append(Patterns((X[ix] - mu) / sd, np.clip(T, 0, 1), None, TASKS))
    return TaskData(*sets), Scaling(TASKS, scaling.low, scaling.high, clipped)
