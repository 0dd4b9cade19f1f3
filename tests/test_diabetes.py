"""The diabetes domain: splits, training-set-only scaling, and the way back to original units."""

import numpy as np
import pytest

import mtb
from mtb.domains import diabetes as D


def test_load_has_the_papers_structure():
    cheap, serum, progression = D.load()
    assert cheap.shape == (442, 4) and serum.shape == (442, 6) and progression.shape == (442,)
    assert set(np.unique(cheap[:, 1])) == {1.0, 2.0}  # sex, in original units (not scaled)
    assert 25 <= progression.min() and progression.max() <= 346


def test_splits_are_disjoint_fresh_per_seed_and_reproducible():
    tr, ha, te = D.split(0, 222, 110)
    assert (len(tr), len(ha), len(te)) == (222, 110, 110)
    assert len(set(tr) | set(ha) | set(te)) == 442
    again = D.split(0, 222, 110)
    assert all(np.array_equal(a, b) for a, b in zip((tr, ha, te), again, strict=True))
    assert not np.array_equal(D.split(1, 222, 110)[0], tr)
    with pytest.raises(ValueError):
        D.split(0, 400, 100)
    with pytest.raises(ValueError):
        D.split(-1, 100, 100)


def test_scaling_uses_the_training_set_only():
    data, scaling = D.make_data(3, 222, 110)
    assert data.tasks == D.TASKS and data.n_inputs == 4
    np.testing.assert_allclose(data.train.X.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(data.train.X.std(0), 1, atol=1e-4)
    # the training targets span exactly [MARGIN, 1 - MARGIN]; halt and test lie in [0, 1]
    np.testing.assert_allclose(data.train.Y.min(0), D.MARGIN, atol=1e-6)
    np.testing.assert_allclose(data.train.Y.max(0), 1 - D.MARGIN, atol=1e-6)
    for s in ("halt", "test"):
        y = data.split(s).Y
        assert y.min() >= 0 and y.max() <= 1
    # the test patients' inputs were scaled with the training patients' statistics
    cheap = D.load()[0]
    tr, _, te = D.split(3, 222, 110)
    mu, sd = cheap[tr].mean(0), cheap[tr].std(0)
    np.testing.assert_allclose(data.test.X, (cheap[te] - mu) / sd, rtol=1e-5, atol=1e-5)


def test_predictions_and_errors_map_back_to_original_units():
    data, scaling = D.make_data(0, 222, 110)
    progression = D.load()[2]
    tr, _, te = D.split(0, 222, 110)
    np.testing.assert_allclose(scaling.to_original(data.train.Y[:, 0]), progression[tr],
                               rtol=1e-5)
    # an RMSE on the scaled targets is the RMSE in original units divided by `unit`
    guess = np.full(len(te), 0.5)
    rmse_scaled = np.sqrt(np.mean((guess - data.test.Y[:, 0]) ** 2))
    rmse_units = np.sqrt(np.mean((scaling.to_original(guess) - progression[te]) ** 2))
    if not scaling.clipped:
        assert scaling.error_to_original(rmse_scaled) == pytest.approx(rmse_units, rel=1e-5)
    assert scaling.error_to_original(1.0, "s1") == pytest.approx(scaling.unit[1])


def test_serum_inputs_add_six_inputs_and_keep_the_targets():
    a, _ = D.make_data(5, 222, 110)
    b, _ = D.make_data(5, 222, 110, serum_inputs=True)
    assert b.n_inputs == 10
    np.testing.assert_array_equal(a.test.Y, b.test.Y)
    np.testing.assert_allclose(a.test.X, b.test.X[:, :4])


def test_nets_train_on_it():
    data, _ = D.make_data(0, 222, 110)
    r = mtb.train([mtb.Net(D.TASKS, (8,)), mtb.Net((D.MAIN_TASK,), (8,))], data,
                  mtb.Config(epochs=200))
    for net in r.nets:
        assert net.peak["test"][0] < 0.9 * net.curves["test"][0, 0]  # it learned something
