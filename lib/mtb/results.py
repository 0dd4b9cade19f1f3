"""The chapter results file: parameters, raw per-seed values, and the paper's claims tested on them.

Every chapter writes `data/results/<chapter>.json`:

    {"chapter": ..., "parameters": {...},
     "values": {name: [one number per seed, ...], ...},
     "claims": [{"id", "section", "text", "paper", "stat", "inputs",
                 "ours", "low", "high", "p", "verdict"}, ...]}

A claim names the statistic (`stat`) and the raw values (`inputs`) it was
computed from, so `validate` can recompute it: a claim cannot disagree with
its own numbers. The file holds no timestamps, so two runs with the same
parameters give identical files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from mtb import stats

ROOT = Path(__file__).resolve().parents[2]
CLAIM_KEYS = ("id", "section", "text", "paper", "stat", "inputs", "ours", "low", "high", "p",
              "verdict")


def results_dir() -> Path:
    """Where chapters write results: $MTB_RESULTS_DIR, else data/results/ in the repository."""
    return Path(os.environ.get("MTB_RESULTS_DIR", ROOT / "data" / "results"))


def _mtb_better(values: dict, inputs: dict, options: dict) -> dict:
    c = stats.paired_change(values[inputs["stb"]], values[inputs["mtb"]],
                            options.get("convention", "nips95"))
    return {"ours": c["change"], "low": c["low"], "high": c["high"], "p": c["p"],
            "verdict": stats.verdict_better(c, options.get("paper_significant", True))}


def _mtb_not_worse(values: dict, inputs: dict, options: dict) -> dict:
    c = stats.paired_change(values[inputs["stb"]], values[inputs["mtb"]],
                            options.get("convention", "nips95"))
    return {"ours": c["change"], "low": c["low"], "high": c["high"], "p": c["p"],
            "verdict": stats.verdict_not_worse(c)}


def _greater(values: dict, inputs: dict, options: dict) -> dict:
    d = stats.paired_difference(values[inputs["a"]], values[inputs["b"]])
    return {"ours": d["diff"], "low": d["low"], "high": d["high"], "p": d["p"],
            "verdict": stats.verdict_greater(d)}


def _fraction(values: dict, inputs: dict, options: dict) -> dict:
    hits = np.asarray(values[inputs["hits"]], dtype=float)
    if not np.isin(hits, (0.0, 1.0)).all():
        raise ValueError("a fraction's values must be 0 or 1 per run")
    verdict, (f, lo, hi) = stats.verdict_fraction(int(hits.sum()), len(hits), options["above"])
    return {"ours": f, "low": lo, "high": hi, "p": float("nan"), "verdict": verdict}


# name -> (values, inputs, options) -> ours, low, high, p, verdict
STATS = {
    "mtb_better": _mtb_better,  # inputs stb, mtb (errors): MTB significantly lower
    "mtb_not_worse": _mtb_not_worse,  # inputs stb, mtb (errors): MTB not significantly higher
    "greater": _greater,  # inputs a, b (paired): mean of a - b significantly above 0
    "fraction": _fraction,  # inputs hits (0/1 per run), option above: fraction above it
}


class ChapterResults:
    """Collects a chapter's values and claims, then writes them as one JSON file."""

    def __init__(self, chapter: str, parameters: dict):
        if not chapter or "/" in chapter:
            raise ValueError(f"bad chapter name {chapter!r}")
        self.doc = {"chapter": chapter, "parameters": _plain(parameters), "values": {},
                    "claims": []}

    @property
    def values(self) -> dict:
        return self.doc["values"]

    def add(self, name: str, per_seed) -> None:
        """Raw values behind a table cell: one entry per seed (first axis)."""
        a = np.asarray(per_seed, dtype=np.float64)
        if a.ndim < 1 or not np.isfinite(a).all():
            raise ValueError(f"values {name!r} must be a finite array with seeds on the first axis")
        self.values[name] = a.tolist()

    def claim(self, id: str, section: str, text: str, paper: float | None, stat: str,
              inputs: dict, **options) -> dict:
        """Test one of the paper's claims with statistic `stat` on the named raw values."""
        if stat not in STATS:
            raise KeyError(f"unknown statistic {stat!r}; known: {list(STATS)}")
        missing = [v for v in inputs.values() if v not in self.values]
        if missing:
            raise KeyError(f"claim {id!r} uses values not added yet: {missing}")
        if any(c["id"] == id for c in self.doc["claims"]):
            raise ValueError(f"claim {id!r} is already recorded")
        c = {"id": id, "section": section, "text": text, "paper": paper, "stat": stat,
             "inputs": dict(inputs), "options": _plain(options),
             **STATS[stat](self.values, inputs, options)}
        self.doc["claims"].append(c)
        return c

    def write(self, path: str | Path | None = None) -> Path:
        validate(self.doc)
        path = Path(path) if path else results_dir() / f"{self.doc['chapter']}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.doc, indent=1, sort_keys=True) + "\n")
        return path


def read(path: str | Path) -> dict:
    doc = json.loads(Path(path).read_text())
    validate(doc)
    return doc


def validate(doc: dict) -> None:
    """Raise ValueError unless the file is complete and every claim follows from its values."""
    for key in ("chapter", "parameters", "values", "claims"):
        if key not in doc:
            raise ValueError(f"results file lacks {key!r}")
    for c in doc["claims"]:
        missing = [k for k in CLAIM_KEYS if k not in c]
        if missing:
            raise ValueError(f"claim {c.get('id')!r} lacks {missing}")
        if c["verdict"] not in stats.VERDICTS:
            raise ValueError(f"claim {c['id']!r}: verdict {c['verdict']!r} not in {stats.VERDICTS}")
        again = STATS[c["stat"]](doc["values"], c["inputs"], c.get("options", {}))
        for k, v in again.items():
            same = v == c[k] if isinstance(v, str) else np.isclose(v, c[k], rtol=1e-9, atol=0,
                                                                  equal_nan=True)
            if not same:
                raise ValueError(f"claim {c['id']!r}: {k} is {c[k]} but its values give {v}")


def _plain(x):
    """JSON-safe copy of parameters (numpy scalars and tuples become plain)."""
    return json.loads(json.dumps(x, default=lambda o: o.item() if hasattr(o, "item") else list(o)))


def glue(name: str, value, display: bool = False) -> None:
    """myst-nb's glue for numbers in a chapter's prose, with numpy scalars made plain Python
    (myst-nb cannot format the repr of a numpy scalar, e.g. `np.float64(0.5)`)."""
    from myst_nb import glue as myst_glue

    myst_glue(name, value.item() if isinstance(value, np.generic) else value, display=display)
