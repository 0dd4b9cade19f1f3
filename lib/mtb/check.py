"""Do the published results still reproduce? Re-run every chapter and compare with the reference.

    python -m mtb.check [--scale paper] [--chapter NAME ...]   # run, compare, print a scorecard
    python -m mtb.check --compare-only                         # compare what data/results holds
    python -m mtb.check --update-reference                     # fresh results become the reference

Each chapter notebook is executed headless with papermill; it writes
`data/results/<chapter>.json`. Every claim in it is compared with the
committed `data/reference/<scale>/<chapter>.json`. A claim agrees when its fresh value
lies within the tolerance of the reference: z = 1.96 standard errors of the
difference of two independent estimates, each standard error read off the
claim's own 95% interval (the seed-to-seed spread), so a result may move as
much as a rerun with new seeds would move it, and no more. A changed
verdict, a missing or new claim, or different parameters also fail.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from mtb import results

ROOT = results.ROOT
BOOK = ROOT / "book"
REFERENCE = ROOT / "data" / "reference"
EXECUTED = ROOT / "data" / "executed"
Z = 1.96
READERS = {"report"}  # pages that only read the chapters' results


def chapters() -> list[str]:
    """Chapter notebooks in the order of the book's table of contents."""
    order = [line.split("book/")[1].strip() for line in (ROOT / "_toc.yml").read_text().splitlines()
             if "file: book/" in line]
    return [c for c in order if (BOOK / f"{c}.ipynb").exists()]


def experiments() -> list[str]:
    """The chapters that run experiments and write results."""
    return [c for c in chapters() if c not in READERS]


def execute(chapter: str, scale: str, results_dir: Path) -> float:
    """Run one chapter headless; return its wall time in seconds."""
    import papermill

    EXECUTED.mkdir(parents=True, exist_ok=True)
    os.environ["MTB_RESULTS_DIR"] = str(results_dir)
    start = time.perf_counter()
    papermill.execute_notebook(str(BOOK / f"{chapter}.ipynb"), str(EXECUTED / f"{chapter}.ipynb"),
                               parameters={"scale": scale}, cwd=str(BOOK), progress_bar=False,
                               kernel_name="python3")
    return time.perf_counter() - start


def tolerance(ref: dict, fresh: dict) -> float:
    """Allowed |fresh - reference|: z standard errors of a difference of two estimates."""
    se = [(c["high"] - c["low"]) / (2 * Z) for c in (ref, fresh)]
    return Z * (se[0] ** 2 + se[1] ** 2) ** 0.5


def compare(ref: dict, fresh: dict) -> list[dict]:
    """One row per claim: the paper's value, the reference, the fresh value and the status."""
    rows = []
    if ref["parameters"] != fresh["parameters"]:
        rows.append({"claim": "(parameters)", "status": "PARAMETERS DIFFER",
                     "reference": None, "fresh": None, "paper": None, "tolerance": None})
    old = {c["id"]: c for c in ref["claims"]}
    new = {c["id"]: c for c in fresh["claims"]}
    for cid in [*old, *(c for c in new if c not in old)]:
        r, f = old.get(cid), new.get(cid)
        row = {"claim": cid, "paper": (r or f)["paper"], "reference": r and r["ours"],
               "fresh": f and f["ours"], "tolerance": None,
               "verdict": f"{r and r['verdict']} -> {f and f['verdict']}"}
        if r is None or f is None:
            row["status"] = "NEW CLAIM" if r is None else "MISSING CLAIM"
        elif r["verdict"] != f["verdict"]:
            row["status"] = "VERDICT CHANGED"
        else:
            row["tolerance"] = tolerance(r, f)
            diff = abs(f["ours"] - r["ours"])
            row["status"] = ("same" if diff == 0 else
                             "within tolerance" if diff <= row["tolerance"] else "MOVED")
        rows.append(row)
    return rows


def failed(rows: list[dict]) -> bool:
    return any(r["status"] not in ("same", "within tolerance") for r in rows)


def scorecard(chapter: str, rows: list[dict]) -> str:
    def fmt(x):
        return "-" if x is None else f"{x:.3g}" if isinstance(x, float) else str(x)
    lines = [f"\n{chapter}", f"  {'claim':42} {'paper':>7} {'reference':>10} {'fresh':>10} "
             f"{'tolerance':>10}  status"]
    for r in rows:
        lines.append(f"  {r['claim'][:42]:42} {fmt(r['paper']):>7} {fmt(r['reference']):>10} "
                     f"{fmt(r['fresh']):>10} {fmt(r['tolerance']):>10}  {r['status']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="paper", choices=("paper", "quick"))
    parser.add_argument("--chapter", action="append", help="only these chapters")
    parser.add_argument("--compare-only", action="store_true", help="do not re-run chapters")
    parser.add_argument("--update-reference", action="store_true",
                        help="copy the fresh results to data/reference (a deliberate act)")
    args = parser.parse_args(argv)
    fresh_dir = results.results_dir()
    names = args.chapter or experiments()
    if args.update_reference:
        for c in names:
            doc = results.read(fresh_dir / f"{c}.json")  # only valid files become the reference
            dest = REFERENCE / doc["parameters"]["scale"] / f"{c}.json"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(fresh_dir / f"{c}.json", dest)
            print(f"reference updated: {dest.relative_to(ROOT)} (see git diff)")
        return 0
    timing = {}
    bad = False
    for c in names:
        if not args.compare_only:
            print(f"running {c} at {args.scale} scale ...", flush=True)
            timing[c] = execute(c, args.scale, fresh_dir)
        fresh = results.read(fresh_dir / f"{c}.json")
        ref_path = REFERENCE / fresh["parameters"]["scale"] / f"{c}.json"
        if not ref_path.exists():
            print(f"\n{c}: no reference at {ref_path.relative_to(ROOT)}")
            bad = True
            continue
        rows = compare(results.read(ref_path), fresh)
        print(scorecard(c, rows) + (f"\n  ({timing[c]:.0f} s)" if c in timing else ""))
        bad |= failed(rows)
    if timing:
        (fresh_dir / "timing.json").write_text(json.dumps(timing, indent=1) + "\n")
    print("\nRESULT: " + ("some results moved, changed verdict or have no reference" if bad else
                          "every claim reproduces within tolerance"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
