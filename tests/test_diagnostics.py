"""Diagnostics on hand-built nets whose answers are known."""

import numpy as np
import pytest
import torch

from mtb import diagnostics as D
from mtb.nets import Stack, init_weights


def net(sizes, seed=0):
    return [(W.numpy(), b.numpy()) for W, b in init_weights(sizes, seed)]


def test_activations_match_the_trainers_forward_pass():
    w = net((5, 4, 3))
    X = np.random.default_rng(0).normal(size=(7, 5))
    stack = Stack([torch.tensor(W)[None] for W, _ in w], [torch.tensor(b)[None] for _, b in w])
    ref = stack.forward(torch.tensor(X.T[None]))
    assert np.allclose(D.activations(w, X)[-1], ref[-1][0].numpy().T)
    assert np.allclose(D.hidden(w, X), ref[1][0].numpy().T)
    with pytest.raises(ValueError):
        D.hidden(w, X, layer=2)


def test_input_relevance_is_the_ratio_of_weight_norms():
    W = np.ones((3, 4))
    W[:, 2:] = 0.5
    w = [(W, np.zeros((3, 1))), (np.ones((1, 3)), np.zeros((1, 1)))]
    assert D.input_relevance(w, [0, 1]) == pytest.approx(2.0)
    assert D.input_relevance(w, [2, 3]) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        D.input_relevance(w, [0, 1, 2, 3])


def test_input_sensitivity_matches_finite_differences_and_ignores_dead_inputs():
    w = net((4, 6, 2), seed=3)
    w[0][0][:, 3] = 0.0  # input 3 reaches nothing
    X = np.random.default_rng(1).normal(size=(50, 4))
    s = D.input_sensitivity(w, X, output=1)
    eps = 1e-6
    num = [np.abs((D.activations(w, X + eps * np.eye(4)[i])[-1][:, 1]
                   - D.activations(w, X - eps * np.eye(4)[i])[-1][:, 1]) / (2 * eps)).mean()
           for i in range(4)]
    assert np.allclose(s, num, rtol=1e-5)
    assert s[3] == 0


def test_linear_probe_reads_a_linear_feature_and_not_a_random_one():
    rng = np.random.default_rng(0)
    H = rng.normal(size=(400, 5))
    y = (H[:, 0] + H[:, 1] > 0).astype(float)
    assert D.linear_probe(H[:200], y[:200], H[200:], y[200:]) > 0.95
    noise = rng.integers(0, 2, 400).astype(float)
    assert D.linear_probe(H[:200], noise[:200], H[200:], noise[200:]) < 0.65
    yc = H @ np.arange(5.0)
    assert D.linear_probe(H[:200], yc[:200], H[200:], yc[200:]) == pytest.approx(1.0)


def test_task_gradients_sum_to_the_trainers_mtb_gradient():
    w = net((6, 5, 3), seed=2)
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(30, 6)), rng.uniform(size=(30, 3))
    stack = Stack([torch.tensor(W)[None] for W, _ in w], [torch.tensor(b)[None] for _, b in w])
    acts = stack.forward(torch.tensor(X.T[None]))
    full = stack.backward(acts, (acts[-1] - torch.tensor(Y.T[None])) / len(X))[0][0].numpy()
    G = D.task_gradients(w, X, Y)
    assert np.allclose(G.sum(0), full.ravel())
    A = D.gradient_alignment(w, X, Y)
    assert np.allclose(np.diag(A), 1) and np.allclose(A, A.T)
    w[1][0][1], w[1][1][1] = w[1][0][0], w[1][1][0]  # outputs 0 and 1 identical
    same = D.gradient_alignment(w, X, np.column_stack([Y[:, 0], Y[:, 0], Y[:, 1]]))
    assert same[0, 1] == pytest.approx(1.0)


def test_follows_picks_the_cue_the_outputs_agree_with():
    rng = np.random.default_rng(0)
    cues = {"A": rng.normal(size=200), "B": rng.normal(size=200)}
    out = (cues["B"] > 0).astype(float)
    name, agree = D.follows(out, cues)
    assert name == "B" and agree["B"] == 1.0 and 0.35 < agree["A"] < 0.65


def test_nonmonotonic_needs_a_real_rise_and_recovery():
    down = np.linspace(1, 0.5, 50)
    u = np.r_[down, np.linspace(0.5, 0.6, 20), np.linspace(0.6, 0.4, 20)]
    assert D.nonmonotonic(u)
    assert not D.nonmonotonic(down)
    assert not D.nonmonotonic(np.r_[down, np.linspace(0.5, 0.7, 30)])  # only overtrains
    assert not D.nonmonotonic(np.r_[down, [0.505, 0.499]])  # a wiggle within 2%
