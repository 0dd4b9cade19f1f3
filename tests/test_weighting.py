"""Task weightings during training: their defining properties, and their place in the trainer."""

from dataclasses import dataclass

import numpy as np
import pytest
import torch

from mtb import Config, Net, train
from mtb.domains import teacher
from mtb.nets import Stack
from mtb.weighting import DWA, GradNorm, PCGrad, Uncertainty

DATA = [teacher.make_data(s, 40, 60, 60, teacher.TeacherConfig(n_tasks=3)) for s in range(2)]
CONFIG = Config(epochs=60, lr=1.0, dtype="float64")


@dataclass(frozen=True)
class Constant:
    """A weighting that always returns the same weights (for testing the hook)."""

    w: tuple[float, ...]
    gradients = False

    def start(self, n_nets, n_tasks):
        return self

    def weights(self, losses, task_grads=None):
        return torch.tensor(self.w, dtype=losses.dtype).expand_as(losses)


def curves(r):
    return np.stack([r.curves[s] for s in ("train", "halt", "test")])


def test_constant_weighting_equals_fixed_task_weights():
    net = Net(DATA[0].tasks, (8,))
    ones = train([net], DATA[0], CONFIG, weighting=Constant((1.0, 1.0, 1.0)))[0]
    none = train([net], DATA[0], CONFIG)[0]
    np.testing.assert_array_equal(curves(ones), curves(none))
    dyn = train([net], DATA[0], CONFIG, weighting=Constant((0.5, 1.0, 2.0)))[0]
    fixed = train([Net(DATA[0].tasks, (8,), task_weights=(0.5, 1.0, 2.0))], DATA[0], CONFIG)[0]
    np.testing.assert_allclose(curves(dyn), curves(fixed), atol=1e-12)


@pytest.mark.parametrize("weighting", [DWA(), Uncertainty(), GradNorm(), PCGrad()])
def test_a_nets_weights_do_not_depend_on_the_other_nets(weighting):
    a = Net(DATA[0].tasks, (8,), data=0, seed=1)
    b = Net(DATA[1].tasks, (8,), data=1, seed=2)
    alone = train([a], DATA, CONFIG, weighting=weighting)[0]
    together = train([a, b], DATA, CONFIG, weighting=weighting)[0]
    np.testing.assert_allclose(curves(alone), curves(together), atol=1e-12)
    assert not np.allclose(curves(alone), curves(train([a], DATA, CONFIG)[0]))


def test_dwa_weights_slow_tasks_up_and_sum_to_the_number_of_tasks():
    state = DWA(temperature=1.0).start(1, 2)
    first = state.weights(torch.tensor([[1.0, 1.0]]))
    second = state.weights(torch.tensor([[0.9, 0.5]]))  # task 2 falls faster
    third = state.weights(torch.tensor([[0.8, 0.3]]))
    assert torch.equal(first, torch.ones(1, 2)) and torch.equal(second, torch.ones(1, 2))
    assert third[0, 0] > third[0, 1] and third.sum().item() == pytest.approx(2.0)
    expected = 2 * torch.softmax(torch.tensor([0.9, 0.5]), 0)
    torch.testing.assert_close(third[0], expected)


def test_uncertainty_weights_settle_at_one_over_twice_the_loss():
    losses = torch.tensor([[0.01, 0.1, 0.5]], dtype=torch.float64)
    state = Uncertainty(lr=0.05).start(1, 3)
    for _ in range(5000):
        w = state.weights(losses)
    np.testing.assert_allclose(w.numpy(), 1 / (2 * losses.numpy()), rtol=1e-3)


def test_task_gradients_sum_to_the_shared_gradient():
    stack = Stack.init((5, 4, 3), [0, 1], dtype=torch.float64)
    X = torch.rand(1, 5, 20, dtype=torch.float64)  # two nets sharing one input set
    acts = stack.forward(X)
    err = acts[-1] - torch.rand(2, 3, 20, dtype=torch.float64)
    gW, gb = stack.task_gradients(acts, err)
    full = stack.backward(acts, err)
    torch.testing.assert_close(gW.sum(1), full[0])
    torch.testing.assert_close(gb.sum(1), full[2])


def test_pcgrad_removes_the_conflicting_component():
    g1 = torch.tensor([1.0, 0.0], dtype=torch.float64)
    g2 = torch.tensor([-1.0, 1.0], dtype=torch.float64)  # conflicts with g1
    gW = torch.stack([g1, g2])[None, :, None, :]  # [nets, tasks, hidden=1, inputs=2]
    gb = torch.zeros(1, 2, 1, 1, dtype=torch.float64)
    W, _ = PCGrad().start(1, 2).combine(gW, gb)
    p1 = g1 - (g1 @ g2) / (g2 @ g2) * g2  # g1 projected off g2, and g2 off g1
    p2 = g2 - (g2 @ g1) / (g1 @ g1) * g1
    torch.testing.assert_close(W[0, 0], p1 + p2)
    assert abs(float(p1 @ g2)) < 1e-12
    agree = torch.stack([g1, torch.tensor([1.0, 1.0], dtype=torch.float64)])[None, :, None, :]
    W, _ = PCGrad().start(1, 2).combine(agree, gb)
    torch.testing.assert_close(W[0, 0], agree[0, :, 0].sum(0))  # no conflict: a plain sum


def test_gradnorm_equalises_the_weighted_gradient_norms():
    state = GradNorm(alpha=0.0, lr=0.01).start(1, 2)
    gW = torch.tensor([[1.0], [4.0]], dtype=torch.float64)[None, :, None, :]  # norms 1 and 4
    gb = torch.zeros(1, 2, 1, 1, dtype=torch.float64)
    losses = torch.tensor([[0.5, 0.5]], dtype=torch.float64)
    for _ in range(2000):
        w = state.weights(losses, (gW, gb))
    np.testing.assert_allclose(w[0].numpy(), [1.6, 0.4], atol=0.05)  # w1 * 1 = w2 * 4, sum 2


@pytest.mark.parametrize("make, match", [(lambda: DWA(temperature=0), "temperature"),
                                         (lambda: Uncertainty(lr=0), "lr must be positive"),
                                         (lambda: GradNorm(lr=0), "need lr > 0")])
def test_bad_settings_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()
