"""`make check`: the comparison of fresh results with the reference."""

import copy

import pytest

from mtb import check


def doc(ours=10.0, low=5.0, high=15.0, verdict="reproduced", seeds=10):
    return {"chapter": "x", "parameters": {"scale": "paper", "seeds": seeds}, "values": {},
            "claims": [{"id": "steering", "section": "3.1", "text": "", "paper": 19.0,
                        "stat": "mtb_better", "inputs": {}, "ours": ours, "low": low,
                        "high": high, "p": 0.01, "verdict": verdict}]}


def status(ref, fresh):
    return [r["status"] for r in check.compare(ref, fresh)]


def test_identical_results_are_the_same():
    assert status(doc(), doc()) == ["same"]
    assert not check.failed(check.compare(doc(), doc()))


def test_tolerance_comes_from_the_intervals():
    # each interval half-width 5 -> se 5/1.96; tolerance 1.96 * sqrt(2) * se = 7.07
    assert check.tolerance(doc()["claims"][0], doc()["claims"][0]) == pytest.approx(7.071, 1e-3)
    assert status(doc(), doc(ours=16.0, low=11, high=21)) == ["within tolerance"]
    assert status(doc(), doc(ours=18.0, low=13, high=23)) == ["MOVED"]


def test_changed_verdict_missing_claim_and_parameters_fail():
    assert status(doc(), doc(verdict="partly")) == ["VERDICT CHANGED"]
    fresh = copy.deepcopy(doc())
    fresh["claims"][0]["id"] = "other"
    assert status(doc(), fresh) == ["MISSING CLAIM", "NEW CLAIM"]
    assert "PARAMETERS DIFFER" in status(doc(), doc(seeds=3))
    for s in (doc(verdict="partly"), fresh, doc(seeds=3)):
        assert check.failed(check.compare(doc(), s))


def test_chapters_follow_the_table_of_contents():
    names = check.chapters()
    assert names and names[0] == "mtb_in_code"
    assert all((check.BOOK / f"{n}.ipynb").exists() for n in names)
