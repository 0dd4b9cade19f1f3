"""Paper-style STB-vs-MTB tables and the shuffled-tasks control (mtb.tables)."""

import numpy as np
import pandas as pd
import pytest

from mtb import stats
from mtb.data import Patterns, TaskData
from mtb.experiment import Comparison
from mtb.results import ChapterResults, validate
from mtb.tables import compare_table, per_seed_change, shown, shuffle_tasks, size_label

TASKS = ("main", "extra")


def comparison(seed: int = 0, seeds: int = 6) -> Comparison:
    """Two tasks, STB sizes 2 and 8 (8 better on 'main'), MTB better than both on 'main'."""
    rng = np.random.default_rng(seed)
    stb = np.empty((seeds, 2, 2))
    stb[:, 0, 0] = 0.20 + 0.01 * rng.standard_normal(seeds)
    stb[:, 1, 0] = 0.15 + 0.01 * rng.standard_normal(seeds)
    stb[:, :, 1] = 0.05 + 0.002 * rng.standard_normal((seeds, 2))
    mtb = np.stack([0.12 + 0.01 * rng.standard_normal(seeds),
                    0.05 + 0.002 * rng.standard_normal(seeds)], 1)
    return Comparison(TASKS, ((2,), (8,)), (16,), stb, mtb, result=None)


def test_size_labels():
    assert size_label((16,)) == "16HU"
    assert size_label((8, 8)) == "8-8HU"


def test_per_seed_change_follows_both_conventions():
    np.testing.assert_allclose(per_seed_change([0.2, 0.3], [0.1, 0.3]), [100.0, 0.0])
    np.testing.assert_allclose(per_seed_change([0.2, 0.3], [0.1, 0.3], "ml97"), [-50.0, 0.0])
    with pytest.raises(ValueError, match="convention"):
        per_seed_change([1.0], [1.0], "other")


def test_table_cells_are_the_means_and_changes_of_the_per_seed_values():
    cmp = comparison()
    t = compare_table(cmp)
    assert list(t.index) == list(TASKS)
    assert list(dict.fromkeys(t.columns.get_level_values(0))) == [
        "STB 2HU", "STB 8HU", "MTB 16HU", "vs best STB", "vs mean STB"]
    assert ("STB 2HU", "paper") not in t.columns  # no paper numbers given
    assert t.loc["main", ("STB 8HU", "ours")] == pytest.approx(cmp.stb[:, 1, 0].mean())
    assert t.loc["extra", ("MTB 16HU", "ours")] == pytest.approx(cmp.mtb[:, 1].mean())
    best = stats.paired_change(cmp.stb[:, 1, 0], cmp.mtb[:, 0])  # size 8 is best on 'main'
    mean = stats.paired_change(cmp.stb[:, :, 0].mean(1), cmp.mtb[:, 0])
    for col, c in (("vs best STB", best), ("vs mean STB", mean)):
        for key in ("low", "high", "p"):
            assert t.loc["main", (col, key)] == pytest.approx(c[key])
        assert t.loc["main", (col, "ours")] == pytest.approx(c["change"])
        assert t.loc["main", (col, "verdict")] == "reproduced"  # MTB clearly better


def test_table_records_values_and_claims_that_validate():
    cmp = comparison()
    out = ChapterResults("chapter", {})
    paper = {"main": {"STB 2HU": 0.2, "MTB 16HU": 0.1, "vs best STB": 19.0, "vs mean STB": 38.4},
             "extra": {"vs best STB": 0.0}}
    t = compare_table(cmp, name="t1", section="3.1", paper=paper,
                      significant={"extra": False}, out=out)
    validate(out.doc)
    ids = [c["id"] for c in out.doc["claims"]]
    assert ids == ["t1/main/best", "t1/main/mean", "t1/extra/best", "t1/extra/mean"]
    main_best = out.doc["claims"][0]
    assert main_best["paper"] == 19.0 and main_best["section"] == "3.1"
    assert main_best["inputs"] == {"stb": "t1/stb_best/main", "mtb": "t1/mtb/main"}
    assert out.doc["claims"][3]["paper"] is None  # the paper gave no number
    np.testing.assert_allclose(out.values["t1/stb_2HU/main"], cmp.stb[:, 0, 0])
    np.testing.assert_allclose(out.values["t1/stb_best/extra"], cmp.best_stb()[:, 1])
    # the paper's numbers stand beside ours; a missing one is NaN
    assert t.loc["main", ("STB 2HU", "paper")] == 0.2
    assert np.isnan(t.loc["main", ("STB 8HU", "paper")])
    # on 'extra' the paper found no significant difference: not finding one agrees with it
    assert t.loc["extra", ("vs best STB", "paper significant")] == np.False_
    extra = out.doc["claims"][2]
    assert extra["options"]["paper_significant"] is False
    assert extra["verdict"] == stats.verdict_better(
        stats.paired_change(cmp.best_stb()[:, 1], cmp.mtb[:, 1]), paper_significant=False)


def test_ml97_convention_flips_the_sign():
    cmp = comparison()
    a = compare_table(cmp)
    b = compare_table(cmp, convention="ml97")
    assert a.loc["main", ("vs best STB", "ours")] > 0 > b.loc["main", ("vs best STB", "ours")]
    assert b.loc["main", ("vs best STB", "verdict")] == "reproduced"


def test_shown_marks_significance_and_formats():
    cmp = comparison()
    t = compare_table(cmp, paper={"main": {"vs best STB": 19.0}}, significant={"extra": False})
    s = shown(t)
    assert s.loc["main", ("vs best STB", "ours")].endswith("*")
    assert s.loc["main", ("vs best STB", "paper")] == "+19.0*"
    assert s.loc["extra", ("vs best STB", "paper")] == ""
    assert s.loc["main", ("vs best STB", "95% interval")].startswith("[+")
    assert s.loc["main", ("STB 2HU", "ours")] == f"{cmp.stb[:, 0, 0].mean():.3f}"
    assert isinstance(s, pd.DataFrame) and s.shape[0] == 2


def test_table_rejects_unknown_tasks_and_comparisons():
    cmp = comparison()
    with pytest.raises(KeyError, match="unknown tasks"):
        compare_table(cmp, paper={"steering": {"vs best STB": 1.0}})
    with pytest.raises(ValueError, match="against"):
        compare_table(cmp, against=("worst",))


def task_data(n: int = 40) -> TaskData:
    rng = np.random.default_rng(0)

    def patterns(offset: int) -> Patterns:
        X = rng.random((n, 3))
        Y = np.stack([X[:, 0], X[:, 1], (np.arange(n) + offset) / (n + offset)], 1)
        mask = np.ones(Y.shape, bool)
        mask[::3, 2] = False  # an undefined target moves with its value
        return Patterns(X, Y, mask, ("a", "b", "c"))

    return TaskData(patterns(0), patterns(1), patterns(2))


def test_shuffle_permutes_the_chosen_tasks_together_and_keeps_the_rest():
    d = task_data()
    s = shuffle_tasks(d, ["b", "c"], seed=3)
    for split in ("train", "halt", "test"):
        a, b = d.split(split), s.split(split)
        np.testing.assert_array_equal(a.X, b.X)
        np.testing.assert_array_equal(a.Y[:, 0], b.Y[:, 0])  # 'a' untouched
        assert not np.array_equal(a.Y[:, 1], b.Y[:, 1])
        # one permutation for b and c, masks included: find it from b and check c
        order = [int(np.flatnonzero(a.Y[:, 1] == v)[0]) for v in b.Y[:, 1]]
        np.testing.assert_array_equal(b.Y[:, 2], a.Y[order, 2])
        np.testing.assert_array_equal(b.mask[:, 2], a.mask[order, 2])
        assert sorted(order) == list(range(len(a)))
    again = shuffle_tasks(d, ["b", "c"], seed=3)
    np.testing.assert_array_equal(again.train.Y, s.train.Y)
    other = shuffle_tasks(d, ["b", "c"], seed=4)
    assert not np.array_equal(other.train.Y, s.train.Y)


def test_shuffle_rejects_unknown_or_repeated_tasks():
    with pytest.raises(KeyError, match="unknown task"):
        shuffle_tasks(task_data(), ["z"], seed=0)
    with pytest.raises(ValueError, match="distinct"):
        shuffle_tasks(task_data(), ["a", "a"], seed=0)
