"""The mechanism problems: shapes, the relations between tasks they promise, determinism."""

import numpy as np
import pytest

from mtb.domains import mechanisms as M


def col(p, task):
    return p.Y[:, p.task_index(task)]


def test_amplification_copies_share_F_with_independent_noise_and_clean_test():
    d = M.amplification(0, 400, 50, 300, n_copies=7, noise=0.15)
    assert d.tasks == M.amplification_tasks(7)
    tr = d.train
    T, T1 = col(tr, "T"), col(tr, "T1")
    assert 0.12 < np.std(T - T1) / np.sqrt(2) < 0.16  # independent noise of sd 0.15
    assert np.corrcoef(T, T1)[0, 1] > 0.2  # but the same F underneath
    assert abs(np.corrcoef(T, col(tr, "shuffled T1"))[0, 1]) < 0.15  # control: no relation
    copies = np.array([col(tr, t) for t in ("T", *(f"T{k}" for k in range(1, 8)))])
    unclipped = ((copies > 0) & (copies < 1)).all(0)  # the mean is taken before clipping
    assert unclipped.mean() > 0.5
    assert np.allclose(col(tr, "mean of 8")[unclipped], copies.mean(0)[unclipped], atol=1e-5)
    te = d.test
    assert np.allclose(te.Y, te.Y[:, :1])  # every test column is the clean F
    assert 0.25 <= te.Y.min() and te.Y.max() <= 0.75


def test_blocking_tasks_follow_the_papers_definition():
    d = M.blocking(1, 200, 20, 20, n_bits=8, parity_bits=3)
    p = d.train
    A, F = p.X[:, 0], p.X[:, 1:4].sum(1) % 2
    assert np.array_equal(col(p, "F"), F)
    assert np.array_equal(col(p, "T"), np.maximum(A, F))
    assert np.array_equal(col(p, "T'"), np.maximum(1 - A, F))
    # T carries no information about F when A = 1: it is always 1 there
    assert (col(p, "T")[A == 1] == 1).all() and (col(p, "T'")[A == 0] == 1).all()
    assert sorted(col(p, "shuffled T'")) == sorted(col(p, "T'"))


def test_selection_tasks_depend_only_on_the_relevant_inputs():
    d = M.selection(0, 20, 20, 200, n_inputs=32, n_relevant=4, n_tasks=8)
    te = d.test
    X2 = te.X.copy()
    X2[:, 4:] = np.random.default_rng(0).uniform(-1, 1, size=X2[:, 4:].shape)
    again = M.selection(0, 20, 20, 200, n_inputs=32, n_relevant=4, n_tasks=8)
    assert np.array_equal(again.test.Y, te.Y)  # deterministic in the seed
    from mtb.domains import teacher
    cfg = teacher.TeacherConfig(n_inputs=4, n_features=2, n_tasks=8, noise=0.0, scale=2.0,
                                teacher_seed=5)
    clean = 0.1 + 0.8 * teacher.clean_targets(X2[:, :4], cfg)
    assert np.allclose(te.Y[:, :8], clean, atol=1e-6)  # irrelevant inputs change nothing
    assert len(set(M.selection_tasks(8))) == 9


def test_eavesdropping_main_task_is_invisible_to_every_single_input():
    d = M.eavesdropping(0, 4000, 10, 10, n_bits=2)
    p = d.train
    T2, F = col(p, "T'"), col(p, "T")
    B = p.X[:, -2:]
    assert np.array_equal(T2, (F + B.sum(1)) % 2)
    for j in range(p.X.shape[1]):  # no input alone is correlated with T'
        assert abs(np.corrcoef(p.X[:, j], T2)[0, 1]) < 0.06
    assert abs(np.corrcoef(F, T2)[0, 1]) < 0.06  # nor is F alone


def test_minima_cues_agree_on_each_tasks_patterns_and_are_independent_on_probes():
    d, probe = M.minima(0, 2000, 10, 400, strength_b=3.0)
    p = d.train
    sign = np.sign(p.X[:, :3])
    on_T, on_T2 = p.mask[:, 0], p.mask[:, 1]
    F = 2 * np.where(on_T, p.Y[:, 0], p.Y[:, 1]) - 1  # undefined targets are stored as 0
    assert not (on_T & on_T2).any() and (on_T | on_T2).all()
    assert (sign[:, 0] == F).all()  # A carries F everywhere
    assert (sign[on_T, 1] == F[on_T]).all() and (sign[on_T2, 2] == F[on_T2]).all()
    assert abs(np.mean(sign[on_T2, 1] == F[on_T2]) - 0.5) < 0.05  # B says nothing to T'
    assert abs(np.mean(sign[on_T, 2] == F[on_T]) - 0.5) < 0.05
    assert np.abs(p.X[:, 1]).max() > 2 and np.abs(p.X[:, 0]).max() <= 1  # B has a larger margin
    s = np.sign(probe.X[:, :3])
    assert abs(np.mean(s[:, 0] == s[:, 1]) - 0.5) < 0.1 and probe.mask.all()


def test_binary_code_and_inputs_as_outputs():
    code = M.binary_code(np.array([-5.0, 5.0, 0.0]))
    assert code.shape == (3, 10)
    assert code[0].sum() == 0 and code[1].sum() == 10 and code[2, 0] == 1 and code[2, 1:].sum() == 0
    d = M.inputs_as_outputs(0, 50, 30, 30)
    assert d.n_inputs == 20 and len(d.train) == 50
    d2 = M.inputs_as_outputs(0, 50, 30, 30, f2_input=True)
    assert d2.n_inputs == 21
    assert np.allclose(d2.train.X[:, 20], col(d2.train, "F2"))
    assert np.array_equal(d2.train.X[:, :20], d.train.X)


def test_coarse_codes_count_levels():
    v = np.array([-5.0, -4.0, 0.0, 4.99, 5.0])
    thermo, onehot = M.thermometer_code(v), M.one_hot_code(v)
    assert thermo.shape == onehot.shape == (5, 10)
    # a thermometer's first `level` inputs are on; 11 levels of width 10/11
    np.testing.assert_array_equal(thermo.sum(1), [0, 1, 5, 10, 10])
    assert np.all(np.diff(thermo, axis=1) <= 0)
    np.testing.assert_array_equal(onehot.sum(1), 1)
    np.testing.assert_array_equal(onehot.argmax(1), [0, 1, 5, 9, 9])


def test_code_changes_inputs_only():
    """The same draws under every code: targets equal, inputs differ, bad code named."""
    a, b = M.inputs_as_outputs(3, 20, 10, 10), M.inputs_as_outputs(3, 20, 10, 10,
                                                                   code="thermometer")
    np.testing.assert_array_equal(a.test.Y, b.test.Y)
    assert not np.array_equal(a.train.X, b.train.X)
    with pytest.raises(ValueError, match="unknown code 'gray'"):
        M.inputs_as_outputs(0, code="gray")


def test_code_floor_orders_the_codes():
    """A code that tells fewer levels apart allows a larger least error; the floor of the
    binary code is near 0 and a coarse code's floor is near that of bins of its width."""
    floors = {c: M.code_floor(c, n=200_000) for c in M.CODES}
    assert floors["binary"] < 0.002 < floors["thermometer"] < floors["one-hot"]
    # the conditional mean per cell can only beat a cruder predictor: sigmoid at bin centres
    rng = np.random.default_rng(1)
    A, B = rng.uniform(-5, 5, size=(2, 200_000))
    centre = lambda x: -5 + (np.floor((x + 5) * 1.0).clip(0, 9) + 0.5)  # noqa: E731
    crude = np.sqrt(np.mean((1 / (1 + np.exp(-(A + B))) - 1 / (1 + np.exp(-(centre(A)
                                                                            + centre(B))))) ** 2))
    assert floors["one-hot"] <= crude


@pytest.mark.parametrize("make", [M.amplification, M.blocking, M.selection, M.eavesdropping])
def test_fresh_sets_per_seed_and_sizes_checked(make):
    a, b = make(0, 30, 20, 10), make(1, 30, 20, 10)
    assert [len(a.train), len(a.halt), len(a.test)] == [30, 20, 10]
    assert not np.array_equal(a.train.X, b.train.X)
    assert np.array_equal(a.train.X, make(0, 30, 20, 10).train.X)
    with pytest.raises(ValueError):
        make(0, 0, 20, 10)
