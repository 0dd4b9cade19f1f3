"""Statistics: intervals cover, signs follow the paper's conventions, verdicts follow numbers."""

import json

import numpy as np
import pytest
from scipy import stats as sps

from mtb import results, stats


def test_percent_change_conventions_match_the_paper():
    # Table 1, steering: best STB .069, MTB .058 -> +19.0% (NIPS95) and -15.9% (ML97)
    assert stats.percent_change([0.069], [0.058]) == pytest.approx(19.0, abs=0.05)
    assert stats.percent_change([0.069], [0.058], "ml97") == pytest.approx(-15.94, abs=0.01)
    with pytest.raises(ValueError, match="unknown convention"):
        stats.percent_change([1], [1], "other")


def test_mean_ci_covers_the_true_mean_about_95_percent():
    rng = np.random.default_rng(0)
    hits = sum(lo <= 1.0 <= hi for _, lo, hi in
               (stats.mean_ci(rng.normal(1.0, 2.0, size=10)) for _ in range(2000)))
    assert 0.93 < hits / 2000 < 0.97


def test_paired_change_detects_a_real_difference_and_not_a_null_one():
    rng = np.random.default_rng(1)
    stb = rng.normal(0.10, 0.02, size=20)
    better = stats.paired_change(stb, stb * 0.8 + rng.normal(0, 0.001, size=20))
    assert better["p"] < 0.001 and better["low"] > 0
    assert better["change"] == pytest.approx(25, abs=2)
    assert stats.verdict_better(better) == "reproduced"
    same = stats.paired_change(stb, stb + rng.normal(0, 0.001, size=20))
    assert same["p"] > 0.05 and same["low"] < 0 < same["high"]
    assert stats.verdict_better(same) in ("partly", "not reproduced")
    assert stats.verdict_better(same, paper_significant=False) == "reproduced"
    worse = stats.paired_change(stb, stb * 1.2)
    assert stats.verdict_better(worse) == "not reproduced"
    assert stats.paired_change(stb, stb * 1.2, "ml97")["change"] == pytest.approx(20)


def test_paired_change_p_is_the_paired_t_test():
    a, b = [0.1, 0.12, 0.11, 0.13], [0.09, 0.1, 0.105, 0.12]
    assert stats.paired_change(a, b)["p"] == pytest.approx(sps.ttest_rel(a, b).pvalue)


@pytest.mark.parametrize("a, b, match", [([1.0], [1.0], "at least 2 seeds"),
                                         ([1.0, np.nan], [1.0, 1.0], "NaN"),
                                         ([1.0, 2.0], [1.0, 2.0, 3.0], "differ in length")])
def test_paired_change_rejects_bad_input(a, b, match):
    with pytest.raises(ValueError, match=match):
        stats.paired_change(a, b)


def test_fraction_ci_is_wilson():
    f, lo, hi = stats.fraction_ci(50, 100)
    assert f == 0.5
    assert lo == pytest.approx(0.4038, abs=1e-3) and hi == pytest.approx(0.5962, abs=1e-3)
    assert stats.fraction_ci(0, 10)[1] == 0.0


def test_results_file_roundtrip_and_claims_are_recomputed(tmp_path):
    r = results.ChapterResults("demo", {"seeds": 5, "scale": "quick"})
    r.add("stb", [0.10, 0.11, 0.12, 0.10, 0.13])
    r.add("mtb", [0.08, 0.09, 0.10, 0.09, 0.10])
    c = r.claim("t1", "3.1", "MTB beats STB", paper=19.0, stat="mtb_better",
                inputs={"stb": "stb", "mtb": "mtb"})
    assert c["verdict"] == "reproduced" and c["ours"] > 0
    path = r.write(tmp_path / "demo.json")
    doc = results.read(path)
    assert doc["claims"][0]["ours"] == c["ours"]
    # a claim that disagrees with its own values is caught
    doc["claims"][0]["verdict"] = "not reproduced"
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="verdict"):
        results.read(path)
    doc["claims"][0]["verdict"] = "reproduced"
    doc["values"]["mtb"][0] = 0.5
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="its values give"):
        results.read(path)


def test_results_refuses_unknown_values_and_stats():
    r = results.ChapterResults("demo", {})
    with pytest.raises(KeyError, match="not added yet"):
        r.claim("x", "1", "", None, "mtb_better", {"stb": "a", "mtb": "b"})
    with pytest.raises(KeyError, match="unknown statistic"):
        r.claim("x", "1", "", None, "magic", {})
    with pytest.raises(ValueError, match="finite"):
        r.add("bad", [1.0, np.inf])


def test_results_are_identical_for_identical_input(tmp_path):
    def write(name):
        r = results.ChapterResults("demo", {"seeds": 3})
        r.add("stb", [0.1, 0.2, 0.3])
        r.add("mtb", [0.1, 0.15, 0.2])
        r.claim("c", "2", "x", None, "mtb_better", {"stb": "stb", "mtb": "mtb"})
        return r.write(tmp_path / name).read_bytes()
    assert write("a.json") == write("b.json")


def test_other_claim_statistics():
    r = results.ChapterResults("demo", {})
    r.add("stb", [0.10, 0.11, 0.12, 0.10])
    r.add("worse", [0.20, 0.21, 0.22, 0.20])
    r.add("hits", [1, 1, 1, 0])
    r.add("all_hits", [1] * 40)
    assert r.claim("n1", "3", "", None, "mtb_not_worse",
                   {"stb": "stb", "mtb": "stb"})["verdict"] == "reproduced"
    assert r.claim("n2", "3", "", None, "mtb_not_worse",
                   {"stb": "stb", "mtb": "worse"})["verdict"] == "not reproduced"
    g = r.claim("g", "2", "", None, "greater", {"a": "worse", "b": "stb"})
    assert g["verdict"] == "reproduced" and g["ours"] == pytest.approx(0.1)
    assert r.claim("f1", "2", "", None, "fraction", {"hits": "hits"},
                   above=0.5)["verdict"] == "partly"
    assert r.claim("f2", "2", "", None, "fraction", {"hits": "all_hits"},
                   above=0.5)["verdict"] == "reproduced"
    results.validate(r.doc)
