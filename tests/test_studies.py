"""The after-1995 studies: bookkeeping against direct training, and their definitions."""

from dataclasses import replace

import numpy as np
import pytest

import mtb
from mtb import studies
from mtb.domains import teacher
from mtb.train import peak_errors
from mtb.weighting import DWA

TEACHER = teacher.TeacherConfig(n_inputs=6, n_features=2, n_tasks=4, noise=0.1)
CONFIG = mtb.Config(epochs=40, lr=1.0, eval_every=2, dtype="float64", test_curves=False)


def domain(main=("task 1",), seeds=2) -> studies.Domain:
    data = [teacher.make_data(s, 40, 40, 60, TEACHER) for s in range(seeds)]
    return studies.Domain("teacher", data, main, hidden=5, pair_hidden=3, config=CONFIG)


@pytest.fixture(scope="module")
def two_mains():
    d = domain(main=("task 1", "task 3"))
    return d, studies.equal_weights(d)


def test_domain_names_its_bad_settings():
    with pytest.raises(KeyError, match="no such task"):
        domain(main=("no such task",))
    with pytest.raises(ValueError, match="no extra task"):
        domain(main=teacher.tasks(TEACHER))
    with pytest.raises(ValueError, match="no data"):
        studies.Domain("empty", [], ("task 1",), 5, 3, CONFIG)
    other = teacher.make_data(0, 20, 20, 20, replace(TEACHER, n_tasks=3))
    with pytest.raises(ValueError, match="same tasks"):
        studies.Domain("mixed", [domain().data[0], other], ("task 1",), 5, 3, CONFIG)


def test_every_net_lands_in_its_slot(two_mains):
    """STB, MTB and pair errors equal those of the same nets trained one at a time."""
    d, eq = two_mains
    for s in range(d.seeds):
        for i, m in enumerate(d.main):
            alone = mtb.train([mtb.Net((m,), (3,), s, s)], d.data, CONFIG)[0]
            assert eq.stb[s, i] == pytest.approx(alone.peak["test"][0], abs=1e-10)
            for j, x in enumerate(d.extras):
                pair = mtb.train([mtb.Net((m, x), (3,), s, s)], d.data, CONFIG)[0]
                assert eq.pairs[s, i, j] == pytest.approx(pair.peak["test"][0], abs=1e-10)
        full = mtb.train([mtb.Net(d.tasks, (5,), s, s)], d.data, CONFIG)[0]
        np.testing.assert_allclose(eq.mtb[s], full.peak["test"], atol=1e-10)


def test_serial_transfer_is_two_phases_and_forgetting_is_final_over_best(two_mains):
    d, eq = two_mains
    s, im, ix = 1, d.index(d.main), d.index(d.extras)
    one = mtb.train([mtb.Net(d.tasks, (5,), s, s, d.only(d.extras))], d.data, CONFIG)[0]
    two = mtb.train([mtb.Net(d.tasks, (5,), s, s, d.only(d.main))], d.data, CONFIG,
                    initial=[one.final])[0]
    np.testing.assert_allclose(eq.serial[s], two.peak["test"][im], atol=1e-10)
    ratio = studies.final_test([two], d.data)[0, ix] / one.peak["test"][ix]
    assert eq.forget_extras[s] == pytest.approx(ratio.mean(), abs=1e-10)
    # phase 2 starts where phase 1 ended, not from scratch
    fresh = mtb.train([mtb.Net(d.tasks, (5,), s, s, d.only(d.main))], d.data, CONFIG)[0]
    assert not np.allclose(fresh.peak["test"][im], two.peak["test"][im])


def test_relative_score_is_one_for_the_reference_and_scale_free():
    ref = np.array([[1.0, 10.0], [3.0, 30.0]])
    np.testing.assert_allclose(studies.relative(ref, ref, [0, 1]).mean(), 1.0)
    np.testing.assert_allclose(studies.relative(ref * 0.5, ref, [0, 1]), [0.25, 0.75])
    with pytest.raises(ValueError, match="disagree"):
        studies.relative(ref, ref[:, :1], [0])


def test_weightings_keep_equal_and_tune_on_the_halt_set(two_mains):
    d, eq = two_mains
    w = studies.weightings(d, eq, {"DWA": DWA()}, lr_factors=(0.5, 1.0), rounds=1)
    assert set(w.errors) == {"equal", "DWA", "tuned equal"}
    assert w.errors["equal"] is eq.mtb
    assert set(w.lr_picked) <= {0.5, 1.0}
    half = mtb.train(d.mtb_nets(), d.data, replace(CONFIG, lr=0.5)).nets
    for s in range(d.seeds):
        # the learning rate kept is the one with the lower mean relative halt error
        h = [studies.relative(peak_errors(half, "halt")[[s]], eq.mtb_halt, range(4))[0],
             studies.relative(eq.mtb_halt[[s]], eq.mtb_halt, range(4))[0]]
        kept = peak_errors(half)[s] if h[0] < h[1] else eq.mtb[s]
        np.testing.assert_allclose(w.errors["tuned equal"][s], kept)
    assert w.manual_main.shape == w.manual_all.shape == eq.mtb.shape
    with pytest.raises(ValueError, match="lr_factors"):
        studies.weightings(d, eq, {}, lr_factors=(0.0, 1.0))


def test_benefit_is_positive_when_the_pair_beats_stb(two_mains):
    d, eq = two_mains
    rel = studies.relatedness(d, eq, early_epochs=3)
    S, M, X = d.seeds, len(d.main), len(d.extras)
    assert rel.benefit.shape == (S, M, X)
    assert all(m.shape == (S, M, X) for m in rel.measures.values())
    np.testing.assert_array_equal(rel.benefit > 0, eq.pairs < eq.stb[:, :, None])
    assert np.all(rel.measures["target_corr"] >= 0)
    assert np.all(np.abs(rel.measures["alignment"]) <= 1 + 1e-9)
