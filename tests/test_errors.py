"""Bad input raises an error that names the problem."""

import numpy as np
import pytest

from mtb import Config, Net, Patterns, TaskData, split_patterns, train
from mtb.experiment import fit


def data(Y=None, n=30):
    rng = np.random.default_rng(0)
    X = rng.random((n, 4))
    Y = rng.random((n, 2)) if Y is None else Y
    return split_patterns(Patterns(X, Y, None, ("a", "b")), 10, 10, 10)


@pytest.mark.parametrize("make, match", [
    (lambda: Patterns(np.zeros((5, 3)), np.zeros((4, 1)), None, ("a",)), "5 patterns but Y has 4"),
    (lambda: Patterns(np.zeros(5), np.zeros((5, 1)), None, ("a",)), "X must be 2-D"),
    (lambda: Patterns(np.full((5, 3), np.nan), np.zeros((5, 1)), None, ("a",)), "X contains NaN"),
    (lambda: Patterns(np.zeros((5, 3)), np.full((5, 1), np.inf), None, ("a",)), "Y contains NaN"),
    (lambda: Patterns(np.zeros((5, 3)), np.zeros((5, 2)), None, ("a",)), "1 task names for 2"),
    (lambda: Patterns(np.zeros((5, 3)), np.zeros((5, 1)), np.ones((5, 2), bool), ("a",)),
     "mask has shape"),
    (lambda: Net(("a",), (0,)), "hidden layer sizes must be positive"),
    (lambda: Net(("a",), ()), "hidden layer sizes must be positive"),
    (lambda: Net((), (4,)), "at least one task"),
    (lambda: Net(("a", "b"), (4,), task_weights=(1.0,)), "1 task weights for 2 tasks"),
    (lambda: Config(epochs=0), "epochs must be a positive integer"),
    (lambda: Config(lr=-1), "learning rate must be positive"),
    (lambda: Config(momentum=1.0), "momentum must be in"),
    (lambda: Config(output="tanh"), "unknown output activation"),
    (lambda: Config(dtype="float16"), "unknown dtype"),
    (lambda: Config(test_curves=False, keep_weights=False), "needs keep_weights=True"),
    (lambda: train([Net(("steering",), (4,))], data()), "unknown task 'steering'"),
    (lambda: train([Net(("a",), (4,), data=3)], data()), "uses data set 3"),
    (lambda: train([], data()), "no nets"),
    (lambda: train([Net(("a",), (4,))], data(Y=np.full((30, 2), 2.0))), r"outside \[0, 1\]"),
    (lambda: train([Net(("a",), (4,))], data(), Config(batch_size=11)), "exceeds the 10"),
    (lambda: fit(np.zeros((9, 2)), np.zeros(9), []), "at least one"),
])
def test_bad_input_names_the_problem(make, match):
    with pytest.raises((ValueError, KeyError, IndexError), match=match):
        make()


def test_linear_output_accepts_targets_outside_unit_range():
    r = train([Net(("a",), (4,))], data(Y=np.full((30, 2), 2.0) + np.arange(30)[:, None] / 30),
              Config(epochs=5, output="linear", lr=0.1))
    assert np.isfinite(r[0].curves["test"]).all()


def test_task_with_no_defined_target_in_a_set_is_an_error():
    d = data()
    m = d.halt.mask.copy()
    m[:, 1] = False
    bad = TaskData(d.train, Patterns(d.halt.X, d.halt.Y, m, d.tasks), d.test)
    with pytest.raises(ValueError, match=r"halt set: tasks \['b'\] have no defined target"):
        train([Net(("b",), (4,))], bad)


def test_divergence_is_reported():
    with pytest.raises(FloatingPointError, match="diverged"):
        train([Net(("a",), (4,))], data(Y=np.arange(30)[:, None] * [1.0, 1.0] * 1e3),
              Config(epochs=50, output="linear", lr=10.0))
