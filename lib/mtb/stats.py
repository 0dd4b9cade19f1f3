"""Statistics over seeds: intervals, paired tests, percent change, and verdicts computed from them.

Every comparison is paired: STB and MTB were trained on the same data for
each seed, so we test the per-seed differences. Verdicts are computed here
from the raw per-seed values, never typed.
"""

from __future__ import annotations

import numpy as np
from scipy import stats as sps

ALPHA = 0.05
VERDICTS = ("reproduced", "partly", "not reproduced")


def _vector(x, name: str = "values") -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or len(x) < 2:
        raise ValueError(f"{name} must be 1-D with at least 2 seeds, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError(f"{name} contains NaN or inf")
    return x


def mean_ci(x, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and its Student-t interval over seeds."""
    x = _vector(x)
    m, se = x.mean(), x.std(ddof=1) / np.sqrt(len(x))
    h = se * sps.t.ppf(0.5 + level / 2, len(x) - 1)
    return float(m), float(m - h), float(m + h)


def percent_change(stb, mtb, convention: str = "nips95") -> float:
    """Percent change of mean errors. nips95: (STB - MTB) / MTB, ml97: (MTB - STB) / STB.

    In the NIPS 1995 convention a positive number means MTB is better; in ML97's,
    a negative one does.
    """
    s, m = float(np.mean(stb)), float(np.mean(mtb))
    if convention == "nips95":
        return 100 * (s - m) / m
    if convention == "ml97":
        return 100 * (m - s) / s
    raise ValueError(f"unknown convention {convention!r}; use 'nips95' or 'ml97'")


def paired_change(stb, mtb, convention: str = "nips95", level: float = 0.95,
                  n_boot: int = 10000, seed: int = 0) -> dict:
    """Percent change of the mean errors with a paired bootstrap interval over seeds,
    and a paired t-test of the per-seed differences (two-sided)."""
    stb, mtb = _vector(stb, "stb"), _vector(mtb, "mtb")
    if stb.shape != mtb.shape:
        raise ValueError(f"paired values differ in length: {len(stb)} vs {len(mtb)}")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(stb), size=(n_boot, len(stb)))
    s, m = stb[idx].mean(1), mtb[idx].mean(1)
    boot = 100 * ((s - m) / m if convention == "nips95" else (m - s) / s)
    lo, hi = np.quantile(boot, [0.5 - level / 2, 0.5 + level / 2])
    diff = stb - mtb
    p = 1.0 if np.all(diff == diff[0]) else float(sps.ttest_rel(stb, mtb).pvalue)
    return {"change": percent_change(stb, mtb, convention), "low": float(lo), "high": float(hi),
            "p": p, "n": len(stb), "convention": convention}


def verdict_better(change: dict, paper_significant: bool = True) -> str:
    """Verdict on a claim that MTB beats STB: significant and in the paper's direction ->
    reproduced; right direction but not significant -> partly; otherwise not reproduced.
    When the paper itself found no significant difference, agreeing means not finding one."""
    better = change["change"] > 0 if change["convention"] == "nips95" else change["change"] < 0
    significant = change["p"] <= ALPHA
    if not paper_significant:
        return "reproduced" if not significant else ("partly" if better else "not reproduced")
    if better and significant:
        return "reproduced"
    return "partly" if better else "not reproduced"


def verdict_not_worse(change: dict) -> str:
    """Verdict on a claim that MTB does at least as well as STB: not reproduced only when
    MTB is significantly worse."""
    worse = change["change"] < 0 if change["convention"] == "nips95" else change["change"] > 0
    return "not reproduced" if worse and change["p"] <= ALPHA else "reproduced"


def paired_difference(a, b, level: float = 0.95) -> dict:
    """Mean of a - b over seeds with its t interval and a paired t-test (two-sided)."""
    a, b = _vector(a, "a"), _vector(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"paired values differ in length: {len(a)} vs {len(b)}")
    m, lo, hi = mean_ci(a - b, level) if np.ptp(a - b) > 0 else (float((a - b)[0]),) * 3
    p = 1.0 if np.ptp(a - b) == 0 else float(sps.ttest_rel(a, b).pvalue)
    return {"diff": m, "low": lo, "high": hi, "p": p, "n": len(a)}


def verdict_greater(d: dict) -> str:
    """Verdict on a claim that a exceeds b: significant -> reproduced; right sign -> partly."""
    if d["diff"] > 0 and d["p"] <= ALPHA:
        return "reproduced"
    return "partly" if d["diff"] > 0 else "not reproduced"


def verdict_fraction(successes: int, n: int, above: float) -> tuple[str, tuple]:
    """Verdict on a claim that a fraction of runs exceeds `above`: the whole Wilson interval
    above it -> reproduced; the estimate above it -> partly."""
    f, lo, hi = fraction_ci(successes, n)
    verdict = "reproduced" if lo > above else "partly" if f > above else "not reproduced"
    return verdict, (f, lo, hi)


def fraction_ci(successes: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """A fraction of runs with its Wilson score interval."""
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n >= 1, got {successes} of {n}")
    z = sps.norm.ppf(0.5 + level / 2)
    f = successes / n
    centre = (f + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(f * (1 - f) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f, float(centre - half), float(centre + half)
