"""Per-output learning-rate balancing (ML97's manual procedure)."""

import numpy as np
import pytest

import mtb
from mtb.balance import balance, lower_rates, reference_epoch
from mtb.domains import teacher


def test_lower_rates_slows_only_tasks_that_peak_before_the_reference():
    w = np.ones((2, 4))
    peaks = np.array([[100, 50, 200, 0], [40, 40, 40, 40]])
    new = lower_rates(w, peaks, reference=np.array([100, 40]), min_step=0.2)
    np.testing.assert_allclose(new[0], [1.0, 0.5, 1.0, 0.2])  # 0 peaks: the smallest step
    np.testing.assert_allclose(new[1], 1.0)  # every task peaks with the reference
    kept = lower_rates(w, peaks, np.array([100, 40]), keep=np.array([0, 1, 0, 0], bool))
    assert kept[0, 1] == 1.0 and kept[0, 3] == pytest.approx(0.2)
    again = lower_rates(new, peaks, np.array([100, 40]))
    np.testing.assert_allclose(again[0], [1.0, 0.25, 1.0, 0.04])  # steps compound
    with pytest.raises(ValueError):
        lower_rates(w, peaks, np.array([1, 1]), min_step=0)


def test_reference_is_the_main_tasks_mean_peak_or_the_median():
    peaks = np.array([[10, 30, 50, 70]])
    tasks = ("a", "b", "c", "d")
    assert reference_epoch(peaks, tasks, ("b", "c"))[0] == 40
    assert reference_epoch(peaks, tasks)[0] == 40
    assert reference_epoch(peaks, tasks, ("d",))[0] == 70


@pytest.fixture(scope="module")
def balanced():
    config = teacher.TeacherConfig(n_inputs=8, n_features=2, n_tasks=4, noise=0.1)
    data = [teacher.make_data(s, 60, 100, 100, config) for s in range(2)]
    nets = [mtb.Net(data[0].tasks, (8,), data=s, seed=s) for s in range(2)]
    cfg = mtb.Config(epochs=150, lr=1.0, eval_every=2, test_curves=False)
    return balance(nets, data, cfg, main=data[0].tasks[:1], rounds=2), nets, data, cfg


def test_balance_round_zero_is_plain_training(balanced):
    b, nets, data, cfg = balanced
    assert len(b.rounds) == 3
    plain = mtb.train(nets, data, cfg)
    np.testing.assert_allclose(b.rounds[0].test, [r.peak["test"] for r in plain.nets],
                               rtol=1e-5)
    np.testing.assert_array_equal(b.rounds[0].weights, 1.0)


def test_balance_lowers_early_tasks_and_keeps_the_main_task(balanced):
    b, *_ = balanced
    r0, r1 = b.rounds[0], b.rounds[1]
    np.testing.assert_array_equal(b.weights[:, 0], 1.0)  # the main task is never lowered
    ref = r0.peak_epoch[:, :1]
    early = r0.peak_epoch < ref
    assert early[:, 1:].any(), "the fixture should have a task that peaks before the main one"
    assert (r1.weights[early] < 1).all() and (r1.weights[~early] == 1).all()
    # the rates a round used are the ones its nets were trained with
    assert all(tuple(w) == r.net.task_weights
               for w, r in zip(r1.weights, r1.result.nets, strict=True))
    assert b.test(b.tasks[0]).shape == (3, 2)
    assert set(b.selected()) <= {0, 1, 2}


def test_balance_checks_its_nets():
    data = teacher.make_data(0, 20, 20, 20)
    cfg = mtb.Config(epochs=2)
    with pytest.raises(ValueError):
        balance([mtb.Net(data.tasks[:2]), mtb.Net(data.tasks[1:3])], data, cfg)
    with pytest.raises(KeyError):
        balance([mtb.Net(data.tasks[:2])], data, cfg, main=("nope",))
