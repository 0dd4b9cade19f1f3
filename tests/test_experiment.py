"""The STB-vs-MTB experiment: bookkeeping of nets, seeds and the user entry point."""

import numpy as np
import pytest

from mtb import Config, train
from mtb.domains import teacher
from mtb.experiment import compare, comparison_nets, fit


def test_compare_puts_each_peak_in_its_place():
    data = [teacher.make_data(s, 30, 40, 50) for s in range(2)]
    config = Config(epochs=30)
    c = compare(data, ("task 1", "task 3"), stb_hidden=(2, 4), mtb_hidden=8, config=config)
    assert c.stb.shape == (2, 2, 2) and c.mtb.shape == (2, 2)
    # retrain one STB net and the MTB net of seed 1 on their own and find the same numbers
    alone = train(comparison_nets(2, ("task 1", "task 3"), (2, 4), 8), data, config)
    stb_seed1_task3_h4 = [r for r in alone.nets if r.net.data == 1 and r.net.tasks == ("task 3",)
                          and r.net.hidden == (4,)][0]
    assert c.stb[1, 1, 1] == pytest.approx(stb_seed1_task3_h4.peak["test"][0], abs=1e-6)
    mtb1 = [r for r in alone.nets if r.net.data == 1 and r.net.kind == "MTB"][0]
    np.testing.assert_allclose(c.mtb[1], mtb1.peak["test"], atol=1e-6)
    best = c.best_size()
    assert c.best_stb()[0, 0] == c.stb[0, best[0], 0]
    np.testing.assert_allclose(c.mean_stb(), c.stb.mean(1))


def test_stb_and_mtb_of_a_seed_share_their_initial_hidden_weights():
    from mtb.nets import init_weights
    stb = init_weights((16, 8, 1), seed=4)
    mtb = init_weights((16, 8, 6), seed=4)
    assert np.array_equal(stb[0][0], mtb[0][0]) and np.array_equal(stb[0][1], mtb[0][1])
    assert np.array_equal(stb[1][0][0], mtb[1][0][0])


def test_fit_on_plain_arrays():
    rng = np.random.default_rng(0)
    X = rng.random((120, 5))
    Y = np.stack([X[:, 0], X[:, :2].mean(1)], 1)
    splits = [(rng.permutation(120)[:40], np.arange(40, 80), np.arange(80, 120)) for _ in range(2)]
    c = fit(X, Y, splits, tasks=("a", "b"), stb_hidden=(2,), mtb_hidden=4,
            config=Config(epochs=20))
    assert c.tasks == ("a", "b") and c.mtb.shape == (2, 2) and np.isfinite(c.stb).all()
    with pytest.raises(ValueError, match=r"\(train, halt, test\)"):
        fit(X, Y, [(np.arange(10), np.arange(10))])


def test_halt_errors_sit_beside_test_errors():
    data = [teacher.make_data(s, 30, 40, 50) for s in range(2)]
    c = compare(data, ("task 3",), stb_hidden=(2,), mtb_hidden=4, config=Config(epochs=20),
                mtb_tasks=("task 1", "task 3"))
    assert c.stb_halt.shape == c.stb.shape and c.mtb_halt.shape == c.mtb.shape
    mtb0 = c.result.nets[-2]
    assert c.mtb_halt[0, 0] == mtb0.peak["halt"][1] and c.mtb[0, 0] == mtb0.peak["test"][1]


def _comparison(stb, stb_halt, mtb, mtb_halt):
    from mtb.experiment import Comparison
    return Comparison(("a", "b"), ((2,), (4,)), (8,), np.asarray(stb, float),
                      np.asarray(mtb, float), None, np.asarray(stb_halt, float),
                      np.asarray(mtb_halt, float))


def test_pick_on_halt_keeps_each_nets_lowest_halt_error_not_its_test_error():
    from mtb.experiment import pick_on_halt
    rng = np.random.default_rng(0)
    shapes = ((3, 2, 2), (3, 2))
    runs = [_comparison(*(rng.random(shape) for shape in (shapes[0], shapes[0], shapes[1],
                                                          shapes[1]))) for _ in range(3)]
    tuned, stb_pick, mtb_pick = pick_on_halt(runs)
    for s in range(3):
        for k in range(2):
            halts = [r.mtb_halt[s, k] for r in runs]
            assert tuned.mtb[s, k] == runs[int(np.argmin(halts))].mtb[s, k]
            assert mtb_pick[s, k] == np.argmin(halts)
            for j in range(2):
                i = int(np.argmin([r.stb_halt[s, j, k] for r in runs]))
                assert stb_pick[s, j, k] == i and tuned.stb[s, j, k] == runs[i].stb[s, j, k]
    with pytest.raises(ValueError, match="same tasks"):
        pick_on_halt([runs[0], _comparison(np.ones((2, 2, 2)), np.ones((2, 2, 2)),
                                           np.ones((2, 2)), np.ones((2, 2)))])
    with pytest.raises(ValueError, match="halt errors"):
        pick_on_halt([])
