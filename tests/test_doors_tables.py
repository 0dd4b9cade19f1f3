"""The 1D-DOORS chapter's helpers: scaling, shuffle control, STB on the main tasks, Table 2."""

import numpy as np
import pytest

import mtb
from mtb import doors_tables as dt
from mtb import stats
from mtb.domains import doors
from mtb.domains.doors import MAIN_TASKS, TASKS
from mtb.experiment import compare


@pytest.fixture(scope="module")
def data():
    return doors.make_data(0, 40, 20, 30)


def test_standardize_uses_training_statistics(data):
    s = dt.standardize(data)
    np.testing.assert_allclose(s.train.X.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(s.train.X.std(0), 1, atol=1e-4)
    mu, sd = data.train.X.mean(0), data.train.X.std(0)
    np.testing.assert_allclose(s.test.X, (data.test.X - mu) / sd, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(s.test.Y, data.test.Y)


def test_shuffle_moves_only_the_extra_tasks_and_moves_them_together(data):
    sh = dt.shuffle_extra(data, MAIN_TASKS, seed=3)
    main = [TASKS.index(t) for t in MAIN_TASKS]
    extra = [k for k in range(len(TASKS)) if k not in main]
    for split in ("train", "halt", "test"):
        a, b = data.split(split), sh.split(split)
        np.testing.assert_array_equal(a.X, b.X)
        np.testing.assert_array_equal(a.Y[:, main], b.Y[:, main])
        assert not np.array_equal(a.Y[:, extra], b.Y[:, extra])
        # each shuffled row of extra targets is some pattern's row: labels of another image
        rows = {tuple(r) for r in a.Y[:, extra]}
        assert all(tuple(r) in rows for r in b.Y[:, extra])
        np.testing.assert_allclose(np.sort(a.Y[:, extra], 0), np.sort(b.Y[:, extra], 0))
    again = dt.shuffle_extra(data, MAIN_TASKS, seed=3)
    np.testing.assert_array_equal(again.train.Y, sh.train.Y)
    with pytest.raises(KeyError, match="unknown tasks"):
        dt.shuffle_extra(data, ["no such task"], seed=0)


def test_compare_main_matches_compare_on_the_same_nets(data):
    config = mtb.Config(epochs=5)
    sets = [data, doors.make_data(1, 40, 20, 30)]
    ours = dt.compare_main(sets, MAIN_TASKS, (3, 4), 6, config)
    full = compare(sets, TASKS, (3, 4), 6, config)
    assert ours.stb.shape == (2, 2, 2) and ours.mtb.shape == (2, 2)
    k = [TASKS.index(t) for t in MAIN_TASKS]
    np.testing.assert_allclose(ours.stb, full.stb[:, :, k], rtol=1e-5)
    np.testing.assert_allclose(ours.mtb, full.mtb[:, k], rtol=1e-5)


def test_table2_puts_the_paper_beside_ours(data):
    config = mtb.Config(epochs=3)
    cmp = dt.compare_main([data, doors.make_data(1, 40, 20, 30)], MAIN_TASKS, (6, 24, 96), 120,
                          config)
    changes = {t: stats.paired_change(cmp.best_stb()[:, k], cmp.mtb[:, k], "ml97")
               for k, t in enumerate(MAIN_TASKS)}
    table = dt.table2(cmp, changes, MAIN_TASKS)
    assert table.loc[("door type", "ML97"), "MTB 120HU"] == 0.059
    assert table.loc[("doorknob location", "ML97"), "% change"] == -23.5
    ours = table.loc[("door type", "ours (2 seeds)")]
    assert ours["STB 24HU"] == pytest.approx(cmp.stb[:, 1, 1].mean())
    assert ours["% change"] == pytest.approx(changes["door type"]["change"])
    assert len(table) == 4
