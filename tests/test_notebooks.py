"""Every chapter runs headless at `quick` scale and writes a valid results file."""

import os
from pathlib import Path

import nbformat
import papermill
import pytest

from mtb import check, results

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = [BOOK / f"{c}.ipynb" for c in check.chapters()]  # in the book's order


def test_every_notebook_is_in_the_book():
    assert CHAPTERS, "no chapter notebooks in _toc.yml"
    assert sorted(BOOK.glob("*.ipynb")) == sorted(CHAPTERS), "a notebook is missing from _toc.yml"


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory):
    """One results directory for the whole run: the report reads what the chapters wrote."""
    return tmp_path_factory.mktemp("results")


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_runs_at_quick_scale(notebook, results_dir, monkeypatch):
    monkeypatch.setenv("MTB_RESULTS_DIR", str(results_dir))
    monkeypatch.setenv("MTB_PROGRESS", "off")
    papermill.execute_notebook(str(notebook), str(results_dir / notebook.name),
                               parameters={"scale": "quick"}, cwd=str(BOOK),
                               progress_bar=False, kernel_name="python3")
    executed = nbformat.read(results_dir / notebook.name, as_version=4)
    glued = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
             if "scrapbook" in o.get("metadata", {})]
    unformattable = [o["metadata"]["scrapbook"]["name"] for o in glued
                     if any(k.endswith("text/plain") and str(v).startswith("np.")
                            for k, v in o.get("data", {}).items())]
    assert not unformattable, f"glued numpy scalars the book cannot format: {unformattable}"
    if notebook.stem == "report":
        return
    doc = results.read(results_dir / f"{notebook.stem}.json")  # validates every claim
    assert doc["parameters"]["scale"] == "quick"
    assert doc["claims"], "a chapter tests at least one claim"


def test_committed_notebooks_carry_no_outputs():
    """Chapters are executed by the build: a committed output would be stale."""
    for nb_path in CHAPTERS:
        nb = nbformat.read(nb_path, as_version=4)
        stale = [i for i, c in enumerate(nb.cells)
                 if c.cell_type == "code" and (c.outputs or c.execution_count)]
        assert not stale, f"{nb_path.name}: cells {stale} carry outputs"
        assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells), (
            f"{nb_path.name} has no papermill parameters cell")


def test_results_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MTB_RESULTS_DIR", str(tmp_path))
    assert results.results_dir() == tmp_path
    monkeypatch.delenv("MTB_RESULTS_DIR")
    assert results.results_dir().parts[-2:] == ("data", "results")
    assert os.path.isdir(results.results_dir().parents[1] / "lib")


def test_a_chapter_run_twice_gives_identical_results(results_dir, tmp_path, monkeypatch):
    """Same parameters and seeds, same numbers: the second run's results file is byte-identical."""
    chapter = "mechanisms" if (BOOK / "mechanisms.ipynb").exists() else CHAPTERS[0].stem
    first = results_dir / f"{chapter}.json"
    if not first.exists():
        pytest.skip("the chapter's first run failed or did not run")
    monkeypatch.setenv("MTB_RESULTS_DIR", str(tmp_path))
    monkeypatch.setenv("MTB_PROGRESS", "off")
    papermill.execute_notebook(str(BOOK / f"{chapter}.ipynb"), str(tmp_path / "again.ipynb"),
                               parameters={"scale": "quick"}, cwd=str(BOOK),
                               progress_bar=False, kernel_name="python3")
    assert (tmp_path / f"{chapter}.json").read_bytes() == first.read_bytes()
