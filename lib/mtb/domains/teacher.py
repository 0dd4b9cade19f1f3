"""Related tasks from a teacher net: the smallest domain where MTB can help.

A fixed random "teacher" computes a few hidden features F(x) of the inputs;
each task is a different sigmoid of those shared features plus independent
noise on its training targets. The tasks are related exactly as the paper's
mechanisms need: they share F, and each task's noise is independent. The
teacher (the domain) is fixed by `teacher_seed`; `seed` draws fresh inputs
and noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mtb.data import Patterns, TaskData, split_patterns


@dataclass(frozen=True)
class TeacherConfig:
    n_inputs: int = 16
    n_features: int = 3  # shared hidden features of the teacher
    n_tasks: int = 6
    noise: float = 0.1  # std of the Gaussian noise on every target
    scale: float = 3.0  # steepness of the teacher's units
    teacher_seed: int = 0

    def __post_init__(self) -> None:
        for name in ("n_inputs", "n_features", "n_tasks"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")
        if self.noise < 0:
            raise ValueError("noise must be >= 0")


def tasks(config: TeacherConfig = TeacherConfig()) -> tuple[str, ...]:
    return tuple(f"task {k + 1}" for k in range(config.n_tasks))


def teacher(config: TeacherConfig = TeacherConfig()) -> tuple[np.ndarray, np.ndarray]:
    """The teacher's input->feature and feature->task weights (with bias rows)."""
    rng = np.random.default_rng(config.teacher_seed)
    W1 = rng.normal(size=(config.n_inputs + 1, config.n_features)) / np.sqrt(config.n_inputs)
    W2 = rng.normal(size=(config.n_features + 1, config.n_tasks))
    return W1, W2


def clean_targets(X: np.ndarray, config: TeacherConfig = TeacherConfig()) -> np.ndarray:
    W1, W2 = teacher(config)
    ones = np.ones((len(X), 1))
    F = np.tanh(config.scale * np.hstack([X, ones]) @ W1)
    return 1 / (1 + np.exp(-config.scale * np.hstack([F, ones]) @ W2))


def generate(n: int, seed: int, config: TeacherConfig = TeacherConfig()) -> Patterns:
    """n patterns: inputs uniform on [-1, 1], targets = teacher + noise, clipped to [0, 1]."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    rng = np.random.default_rng([config.teacher_seed, seed])
    X = rng.uniform(-1, 1, size=(n, config.n_inputs))
    Y = clean_targets(X, config) + config.noise * rng.normal(size=(n, config.n_tasks))
    return Patterns(X, np.clip(Y, 0, 1), None, tasks(config))


def make_data(seed: int, n_train: int, n_halt: int, n_test: int,
              config: TeacherConfig = TeacherConfig()) -> TaskData:
    return split_patterns(generate(n_train + n_halt + n_test, seed, config),
                          n_train, n_halt, n_test)
