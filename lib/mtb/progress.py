"""Progress bars for long loops: tqdm.auto when interactive, plain text or silence when headless.

Set the environment variable MTB_PROGRESS to `auto` (default: a notebook
widget or a terminal bar), `text` (a plain bar on stderr, which papermill's
`--log-output` shows while a chapter runs) or `off` (the book build and the
tests, so no bar ends up in a rendered page).
"""

from __future__ import annotations

import os
import sys

MODES = ("auto", "text", "off")


def mode() -> str:
    m = os.environ.get("MTB_PROGRESS", "auto")
    if m not in MODES:
        raise ValueError(f"MTB_PROGRESS={m!r}; use one of {MODES}")
    return m


def bar(total: int, desc: str = ""):
    """A tqdm progress bar (disabled when MTB_PROGRESS=off)."""
    m = mode()
    if m == "auto":
        from tqdm.auto import tqdm
        return tqdm(total=total, desc=desc, leave=False)
    from tqdm import tqdm
    return tqdm(total=total, desc=desc, disable=m == "off", file=sys.stderr, mininterval=2.0,
                leave=False)
