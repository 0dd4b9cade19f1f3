"""Crafted problems that isolate the five mechanisms of multitask backprop (NIPS95 section 2).

Each generator returns a `TaskData` (fresh training, halt and test sets per
`seed`) whose target columns are the tasks of one experiment, so that STB,
MTB and the control nets of that experiment pick their columns from the same
patterns. Targets are in [0, 1] for sigmoid outputs. Where the point is how
well a net learns a clean function F, the test set carries the clean targets
while training and halt sets carry the noisy ones (the net never sees a clean
target; we score it against the truth).

- `amplification`: T and copies of the same F with independent noise (2.1.1).
- `blocking`: T = A OR F, T' = NOT(A) OR F, F a parity of a few bits (2.1.2).
- `selection`: tasks sharing features of a few of many noisy inputs (2.2).
- `eavesdropping`: T = F easy, T' = F XOR B hard (2.3).
- `minima`: tasks with known, identifiable minima A, B, C (2.4).
- `inputs_as_outputs`: ML97 4.9, F1 = sigmoid(A+B), F2 = sigmoid(A-B), A and B in one of
  three codes (`CODES`), with `code_floor` the least error each code allows.
"""

from __future__ import annotations

import numpy as np

from mtb.data import Patterns, TaskData
from mtb.domains import teacher

SPLITS_N = ("n_train", "n_halt", "n_test")


def _rng(kind: str, seed: int, split: int) -> np.random.Generator:
    """An independent stream per problem, seed and split (so split sizes do not shift draws)."""
    return np.random.default_rng([sum(map(ord, kind)), int(seed), split])


def _check_sizes(*sizes: int) -> None:
    if any(int(n) != n or n < 1 for n in sizes):
        raise ValueError(f"set sizes must be positive integers, got {sizes}")


def _shuffled(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The shuffle control: the same targets, permuted across patterns (no relation to X)."""
    return y[rng.permutation(len(y))]


def _squash(f: np.ndarray) -> np.ndarray:
    """Map a function in [0, 1] to [0.1, 0.9], so that noise rarely needs clipping."""
    return 0.1 + 0.8 * f


# --- statistical data amplification (2.1.1) ---------------------------------------------

def amplification_tasks(n_copies: int = 7) -> tuple[str, ...]:
    copies = tuple(f"T{k}" for k in range(1, n_copies + 1))
    means = tuple(f"mean of {m}" for m in (2, 4, 8) if m <= n_copies + 1)
    return ("T", *copies, *means, *(f"shuffled {c}" for c in copies))


def amplification(seed: int, n_train: int, n_halt: int, n_test: int, n_copies: int = 7,
                  noise: float = 0.15, n_inputs: int = 8) -> TaskData:
    """T and `n_copies` copies T1.. of one function F, each with its own Gaussian noise.

    F is a fixed random teacher net of `n_inputs` inputs (two hidden features),
    mapped to [0.25, 0.75] so that the noisy targets seldom need clipping to [0, 1].
    Extra columns: `mean of m` (the average of T and m-1 copies: an STB net on it
    sees the noise an ideal averager of m tasks would see) and `shuffled Tk`
    (Tk permuted across training/halt patterns: the shuffle control). Test
    targets are the clean F for every column.
    """
    _check_sizes(n_train, n_halt, n_test)
    if n_copies < 1 or noise < 0:
        raise ValueError("need n_copies >= 1 and noise >= 0")
    config = teacher.TeacherConfig(n_inputs=n_inputs, n_features=2, n_tasks=1, noise=0.0,
                                   teacher_seed=11)
    names = amplification_tasks(n_copies)
    sets = []
    for split, n in enumerate((n_train, n_halt, n_test)):
        rng = _rng("amplification", seed, split)
        X = rng.uniform(-1, 1, size=(n, n_inputs))
        F = 0.25 + 0.5 * teacher.clean_targets(X, config)[:, 0]
        noisy = F[:, None] + noise * rng.normal(size=(n, n_copies + 1))
        cols = [noisy[:, k] for k in range(n_copies + 1)]
        cols += [noisy[:, :m].mean(1) for m in (2, 4, 8) if m <= n_copies + 1]
        cols += [_shuffled(noisy[:, k], rng) for k in range(1, n_copies + 1)]
        Y = np.stack(cols, 1)
        if split == 2:  # the test set: the clean F everywhere
            Y = np.repeat(F[:, None], len(names), 1)
        sets.append(Patterns(X, np.clip(Y, 0, 1), None, names))
    return TaskData(*sets)


# --- blocking data amplification (2.1.2) ------------------------------------------------

BLOCKING_TASKS = ("T", "T'", "shuffled T'", "F")


def blocking_patterns(n: int, rng: np.random.Generator, n_bits: int = 8,
                      parity_bits: int = 3) -> Patterns:
    """Inputs (A, b1..b_n_bits) uniform bits; F = parity of b1..b_parity_bits;
    T = A OR F, T' = NOT(A) OR F, and F itself (for probes; no net trains on it here)."""
    if not 1 <= parity_bits <= n_bits:
        raise ValueError(f"need 1 <= parity_bits <= n_bits, got {parity_bits}, {n_bits}")
    X = rng.integers(0, 2, size=(n, n_bits + 1)).astype(float)
    A, F = X[:, 0], X[:, 1:1 + parity_bits].sum(1) % 2
    T, T2 = np.maximum(A, F), np.maximum(1 - A, F)
    Y = np.stack([T, T2, _shuffled(T2, rng), F], 1)
    return Patterns(X, Y, None, BLOCKING_TASKS)


def blocking(seed: int, n_train: int, n_halt: int, n_test: int, n_bits: int = 8,
             parity_bits: int = 3) -> TaskData:
    """The paper's blocked tasks on a limited training sample (no noise)."""
    _check_sizes(n_train, n_halt, n_test)
    return TaskData(*(blocking_patterns(n, _rng("blocking", seed, s), n_bits, parity_bits)
                      for s, n in enumerate((n_train, n_halt, n_test))))


# --- attribute selection (2.2) ----------------------------------------------------------

def selection_tasks(n_tasks: int = 8) -> tuple[str, ...]:
    return ("T", *(f"T{k}" for k in range(2, n_tasks + 1)), "shuffled T2")


def selection(seed: int, n_train: int, n_halt: int, n_test: int, n_inputs: int = 32,
              n_relevant: int = 4, n_tasks: int = 8, noise: float = 0.1) -> TaskData:
    """`n_tasks` tasks, each a different sigmoid of the same two features of the first
    `n_relevant` of `n_inputs` inputs (the rest are irrelevant), with independent noise on
    training and halt targets; clean test targets. `shuffled T2` is the shuffle control."""
    _check_sizes(n_train, n_halt, n_test)
    if not 1 <= n_relevant < n_inputs or n_tasks < 2:
        raise ValueError("need 1 <= n_relevant < n_inputs and n_tasks >= 2")
    config = teacher.TeacherConfig(n_inputs=n_relevant, n_features=2, n_tasks=n_tasks,
                                   noise=0.0, scale=2.0, teacher_seed=5)
    names = selection_tasks(n_tasks)
    sets = []
    for split, n in enumerate((n_train, n_halt, n_test)):
        rng = _rng("selection", seed, split)
        X = rng.uniform(-1, 1, size=(n, n_inputs))
        F = _squash(teacher.clean_targets(X[:, :n_relevant], config))
        Y = F if split == 2 else F + noise * rng.normal(size=F.shape)
        Y = np.column_stack([Y, F[:, 1] if split == 2 else _shuffled(Y[:, 1], rng)])
        sets.append(Patterns(X, np.clip(Y, 0, 1), None, names))
    return TaskData(*sets)


# --- eavesdropping (2.3) ----------------------------------------------------------------

EAVESDROP_TASKS = ("T'", "T", "shuffled T")


def eavesdropping(seed: int, n_train: int, n_halt: int, n_test: int,
                  n_inputs: int = 8, n_bits: int = 1) -> TaskData:
    """F = [w . x > 0] for a fixed random w over `n_inputs` continuous inputs; `n_bits`
    more inputs are bits B. T = F (easy: a linear threshold, the catalytic hint) and
    T' = F XOR (parity of B) (F used in a complex way: no input alone, and not F alone,
    says anything about T')."""
    _check_sizes(n_train, n_halt, n_test)
    w = np.random.default_rng(23).normal(size=n_inputs)
    sets = []
    for split, n in enumerate((n_train, n_halt, n_test)):
        rng = _rng("eavesdropping", seed, split)
        x = rng.uniform(-1, 1, size=(n, n_inputs))
        B = rng.integers(0, 2, size=(n, n_bits)).astype(float)
        F = (x @ w > 0).astype(float)
        T2 = (F + B.sum(1)) % 2
        Y = np.stack([T2, F, _shuffled(F, rng)], 1)
        sets.append(Patterns(np.column_stack([x, B]), Y, None, EAVESDROP_TASKS))
    return TaskData(*sets)


# --- representation bias (2.4) ----------------------------------------------------------

MINIMA_TASKS = ("T", "T'")
CUES = ("A", "B", "C")


def _cue(sign: np.ndarray, strength: float, rng: np.random.Generator) -> np.ndarray:
    """A continuous input whose sign is `sign` (+-1) and whose size is uniform on
    [0, 1] times `strength`: a larger strength is a larger margin, an easier cue."""
    return sign * strength * rng.uniform(0, 1, size=len(sign))


def minima_patterns(n: int, rng: np.random.Generator, strength_b: float = 1.0,
                    n_noise: int = 2, probe: bool = False) -> Patterns:
    """Tasks with three known minima, told apart on probe patterns.

    A hidden bit F (+-1) is the regularity. Inputs are three cues A, B, C (one
    input each) and `n_noise` irrelevant inputs. T is defined on half the
    patterns (mask), T' on the other half; both equal F where defined. Cue A
    carries F on every pattern; cue B carries F only on T's patterns (elsewhere
    a random sign); cue C only on T''s. So on its own patterns T can use A or B
    (its two minima) and T' can use A or C; A is the minimum they share.

    With `probe=True` the three cues have independent random signs on every
    pattern (and both tasks are defined, with targets from A): a net's output
    on them says which cue, i.e. which minimum, it follows (`diagnostics.follows`).
    """
    F = rng.choice([-1.0, 1.0], size=n)
    for_T = rng.random(n) < 0.5
    rand = lambda: rng.choice([-1.0, 1.0], size=n)  # noqa: E731
    if probe:
        sA, sB, sC = rand(), rand(), rand()
        F, mask = sA, np.ones((n, 2), bool)
    else:
        sA, sB, sC = F, np.where(for_T, F, rand()), np.where(for_T, rand(), F)
        mask = np.stack([for_T, ~for_T], 1)
    X = np.column_stack([_cue(sA, 1.0, rng), _cue(sB, strength_b, rng), _cue(sC, 1.0, rng),
                         rng.uniform(-1, 1, size=(n, n_noise))])
    y = (F > 0).astype(float)
    return Patterns(X, np.stack([y, y], 1), mask, MINIMA_TASKS)


def minima(seed: int, n_train: int, n_halt: int, n_test: int, strength_b: float = 1.0,
           n_noise: int = 2) -> tuple[TaskData, Patterns]:
    """Training/halt/test sets (cues agree on each task's patterns) and probe patterns
    (cues independent). `strength_b` > 1 makes B the cue T strongly prefers."""
    _check_sizes(n_train, n_halt, n_test)
    d = TaskData(*(minima_patterns(n, _rng("minima", seed, s), strength_b, n_noise)
                   for s, n in enumerate((n_train, n_halt, n_test))))
    probe = minima_patterns(n_test, _rng("minima", seed, 3), strength_b, n_noise, probe=True)
    return d, probe


# --- inputs work better as outputs (ML97 4.9) -------------------------------------------

IO_TASKS = ("F1", "F2", "shuffled F2")


def binary_code(v: np.ndarray, low: float = -5.0, high: float = 5.0,
                bits: int = 10) -> np.ndarray:
    """`v` quantized to 2**bits levels on [low, high], written as `bits` binary inputs
    (most significant first)."""
    level = np.clip(((v - low) / (high - low) * 2 ** bits).astype(int), 0, 2 ** bits - 1)
    return ((level[:, None] >> np.arange(bits - 1, -1, -1)) & 1).astype(float)


def thermometer_code(v: np.ndarray, low: float = -5.0, high: float = 5.0,
                     bits: int = 10) -> np.ndarray:
    """`v` quantized to `bits` + 1 equal levels on [low, high], written as `bits` binary
    inputs of which the first `level` are on (a thermometer, or unary, code)."""
    level = np.clip(((v - low) / (high - low) * (bits + 1)).astype(int), 0, bits)
    return (np.arange(bits)[None, :] < level[:, None]).astype(float)


def one_hot_code(v: np.ndarray, low: float = -5.0, high: float = 5.0,
                 bits: int = 10) -> np.ndarray:
    """`v` quantized to `bits` equal levels on [low, high], one input on per level."""
    level = np.clip(((v - low) / (high - low) * bits).astype(int), 0, bits - 1)
    return np.eye(bits)[level]


CODES = {"binary": binary_code, "thermometer": thermometer_code, "one-hot": one_hot_code}


def code_floor(code: str, n: int = 1_000_000, seed: int = 0) -> float:
    """The least RMSE any predictor of F1 = sigmoid(A+B) can reach from the coded inputs
    (it can only tell A and B apart up to the code's levels): the Bayes floor, by Monte Carlo."""
    rng = np.random.default_rng(seed)
    A, B = rng.uniform(-5, 5, size=(2, n))
    f = 1 / (1 + np.exp(-(A + B)))
    a, b = CODES[code](A), CODES[code](B)
    bits = 2.0 ** np.arange(a.shape[1])  # each pattern of 0/1 inputs read as one integer
    cell = (a @ bits) * 2 ** a.shape[1] + b @ bits
    _, k = np.unique(cell, return_inverse=True)
    best = np.bincount(k, f) / np.bincount(k)
    return float(np.sqrt(np.mean((f - best[k]) ** 2)))


def inputs_as_outputs(seed: int, n_train: int = 50, n_halt: int = 1000, n_test: int = 1000,
                      f2_input: bool = False, code: str = "binary") -> TaskData:
    """ML97 4.9: A, B uniform on [-5, 5], each as 10 binary inputs (20 inputs);
    F1 = sigmoid(A+B), F2 = sigmoid(A-B). With `f2_input` F2 is also the 21st input.
    ML97 does not say which code of 10 bits; `code` is "binary" (positional, 1024 levels),
    "thermometer" (11 levels) or "one-hot" (10 levels). `shuffled F2` is F2 permuted
    across patterns (the shuffle control). The draws do not depend on the code."""
    _check_sizes(n_train, n_halt, n_test)
    if code not in CODES:
        raise ValueError(f"unknown code {code!r}; codes are {list(CODES)}")
    sets = []
    for split, n in enumerate((n_train, n_halt, n_test)):
        rng = _rng("inputs_as_outputs", seed, split)
        A, B = rng.uniform(-5, 5, size=(2, n))
        F1, F2 = 1 / (1 + np.exp(-(A + B))), 1 / (1 + np.exp(-(A - B)))
        X = np.hstack([CODES[code](A), CODES[code](B)])
        if f2_input:
            X = np.column_stack([X, F2])
        sets.append(Patterns(X, np.stack([F1, F2, _shuffled(F2, rng)], 1), None, IO_TASKS))
    return TaskData(*sets)
