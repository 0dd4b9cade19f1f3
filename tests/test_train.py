"""The batched trainer against a plain per-net PyTorch reference, and its invariants."""

import numpy as np
import pytest
import torch

from mtb import Config, Net, Patterns, TaskData, split_patterns, train
from mtb.domains import teacher
from mtb.nets import Stack
from mtb.reference import train_one

SPLITS = ("train", "halt", "test")


def toy(seed, sizes=(40, 30, 20), n_inputs=5, n_tasks=3, p_undefined=0.2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(sum(sizes), n_inputs))
    Y = 1 / (1 + np.exp(-X @ rng.normal(size=(n_inputs, n_tasks))))
    mask = rng.random(Y.shape) > p_undefined
    mask[:, 0] = True
    return split_patterns(Patterns(X, Y, mask, tuple(f"t{k}" for k in range(n_tasks))), *sizes)


def curves_of(r):
    return np.stack([r.curves[s] for s in SPLITS], -1)


NETS = [Net(("t0", "t1", "t2"), (4,), data=0, seed=3),
        Net(("t1",), (4,), data=1, seed=5),
        Net(("t0", "t2"), (3, 2), data=1, seed=7, task_weights=(0.5, 2.0)),
        Net(("t2",), (6,), data=0, seed=11)]


@pytest.mark.parametrize("batch_size", [None, 16])
@pytest.mark.parametrize("output", ["sigmoid", "linear"])
def test_matches_plain_pytorch_reference(batch_size, output):
    """Every learning-curve value equals torch.nn + torch.optim.SGD, one net at a time (fp32)."""
    data = [toy(0), toy(1)]
    config = Config(epochs=60, lr=0.5, momentum=0.9, batch_size=batch_size, output=output)
    result = train(NETS, data, config)
    for net, r in zip(NETS, result.nets, strict=True):
        ref = train_one(net, data[net.data], config)
        np.testing.assert_allclose(curves_of(r), ref, atol=1e-5, rtol=0)


def test_matches_reference_in_float64_to_rounding():
    data = [toy(0), toy(1)]
    config = Config(epochs=100, lr=1.0, dtype="float64", eval_every=7)
    result = train(NETS, data, config)
    for net, r in zip(NETS, result.nets, strict=True):
        np.testing.assert_allclose(curves_of(r), train_one(net, data[net.data], config),
                                   atol=1e-12, rtol=0)
        assert list(r.epochs) == [*range(0, 100, 7), 100]


def test_net_trained_with_others_equals_net_trained_alone():
    data = [toy(0), toy(1)]
    config = Config(epochs=80, dtype="float64")
    together = train(NETS, data, config)
    for i, net in enumerate(NETS):
        alone = train([net], data, config)
        np.testing.assert_allclose(curves_of(together[i]), curves_of(alone[0]), atol=1e-12)


def test_same_seed_same_numbers_and_other_seed_other_numbers():
    data = toy(0)
    config = Config(epochs=30)
    a = train([Net(("t0",), (4,), seed=1)], data, config)[0]
    b = train([Net(("t0",), (4,), seed=1)], data, config)[0]
    c = train([Net(("t0",), (4,), seed=2)], data, config)[0]
    assert np.array_equal(curves_of(a), curves_of(b))
    assert not np.allclose(curves_of(a), curves_of(c))


def test_peak_is_each_tasks_halt_minimum_and_snapshot_reproduces_it():
    data = teacher.make_data(0, 30, 100, 100, teacher.TeacherConfig(n_tasks=3, noise=0.15))
    config = Config(epochs=400, lr=2.0, dtype="float64")
    r = train([Net(data.tasks, (16,), seed=0)], data, config)[0]
    for k, task in enumerate(r.net.tasks):
        halt = r.curves["halt"][:, k]
        best = int(np.argmin(halt))
        assert r.peak_epoch[k] == r.epochs[best]
        assert r.peak["halt"][k] == halt.min()
        assert r.peak["test"][k] == r.curves["test"][best, k]
        # the snapshot's predictions give that task's test error at its peak
        y = r.predict(data.test.X, task)
        rmse = np.sqrt(np.mean((y - data.test.Y[:, k]) ** 2))
        assert rmse == pytest.approx(r.peak["test"][k], abs=1e-9)
    assert len(set(r.peak_epoch)) > 1, "tasks should peak at different epochs here"


def test_masked_patterns_count_as_absent():
    """An STB net with undefined targets trains exactly like one given only the defined
    patterns (full batch; the loss divides by all patterns, so the rate scales by the fraction)."""
    d = toy(3, p_undefined=0.3)
    m = d.train.mask[:, 1]
    defined = d.train.subset(np.flatnonzero(m))
    config = Config(epochs=50, lr=1.0, dtype="float64")
    masked = train([Net(("t1",), (4,))], d, config)[0]
    subset = train([Net(("t1",), (4,))], TaskData(defined, d.halt, d.test),
                   Config(epochs=50, lr=m.mean(), dtype="float64"))[0]
    np.testing.assert_allclose(curves_of(masked), curves_of(subset), atol=1e-12)


def test_hidden_gradient_is_the_sum_of_the_tasks_gradients():
    """Section 2.5: MTB's hidden-layer gradient is the sum of each task's gradient."""
    torch.manual_seed(0)
    stack = Stack.init((5, 4, 3), [0], dtype=torch.float64)
    X = torch.rand(1, 5, 20, dtype=torch.float64)
    T = torch.rand(1, 3, 20, dtype=torch.float64)
    acts = stack.forward(X)
    err = acts[-1] - T
    full = stack.backward(acts, err)
    parts = []
    for k in range(3):
        e = torch.zeros_like(err)
        e[:, k] = err[:, k]
        parts.append(stack.backward(acts, e))
    for i in (0, 2):  # input->hidden weights and hidden biases
        torch.testing.assert_close(full[i], sum(p[i] for p in parts))


def test_task_weight_zero_removes_the_task():
    """With a per-output learning rate of 0 a task has no influence on the others."""
    d = toy(4, p_undefined=0.0)
    noise = np.random.default_rng(0).random(len(d.train))
    other = TaskData(d.train.with_targets("t1", noise), d.halt, d.test)
    config = Config(epochs=40, dtype="float64")
    net = Net(("t0", "t1"), (4,), task_weights=(1.0, 0.0))
    a, b = train([net, net], [d, other], config).nets
    np.testing.assert_allclose(a.curves["test"][:, 0], b.curves["test"][:, 0], atol=1e-12)
    # and with the weight on, the other targets do matter
    on = Net(("t0", "t1"), (4,), data=1)
    c = train([Net(("t0", "t1"), (4,)), on], [d, other], config).nets
    assert not np.allclose(c[0].curves["test"][:, 0], c[1].curves["test"][:, 0])


def test_without_test_curves_the_peak_test_errors_are_the_same():
    data = [teacher.make_data(s, 30, 60, 80, teacher.TeacherConfig(n_tasks=3)) for s in range(2)]
    nets = [Net(data[0].tasks, (8,), data=s, seed=s) for s in range(2)]
    nets += [Net((t,), (4,), data=s, seed=s) for s in range(2) for t in data[0].tasks]
    full = train(nets, data, Config(epochs=150, lr=2.0, dtype="float64"))
    lean = train(nets, data, Config(epochs=150, lr=2.0, dtype="float64", test_curves=False))
    for a, b in zip(full.nets, lean.nets, strict=True):
        np.testing.assert_allclose(a.peak["test"], b.peak["test"], atol=1e-12)
        np.testing.assert_array_equal(a.peak_epoch, b.peak_epoch)
        assert np.isnan(b.curves["test"]).all()
        np.testing.assert_allclose(a.curves["halt"], b.curves["halt"], atol=1e-12)


def test_training_continues_from_given_weights():
    """Two runs of 40 epochs, the second from the first's final weights, equal one run of 80
    in the weights and in the training error (momentum restarts, so not exactly the curves)."""
    data = toy(5, p_undefined=0.0)
    net = Net(("t0", "t1"), (4,), seed=2)
    cfg = Config(epochs=40, dtype="float64", momentum=0.0)
    first = train([net], data, cfg)[0]
    second = train([net], data, cfg, initial=[first.final])[0]
    whole = train([net], data, Config(epochs=80, dtype="float64", momentum=0.0))[0]
    for (W1, b1), (W2, b2) in zip(second.final, whole.final, strict=True):
        np.testing.assert_allclose(W1, W2, atol=1e-12)
        np.testing.assert_allclose(b1, b2, atol=1e-12)
    np.testing.assert_allclose(second.curves["train"], whole.curves["train"][40:], atol=1e-12)
    with pytest.raises(ValueError, match="have shapes"):
        train([Net(("t0",), (3,))], data, cfg, initial=[first.final])
