"""The notebooks run top to bottom (small data) and are committed without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO_ROOT, SAMPLE_DIR

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
NAMES = ["01_quickstart.ipynb", "02_evaluation.ipynb", "03_event.ipynb", "04_outcomes.ipynb"]


def test_the_four_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == NAMES


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)
    assert notebook.cells[0].cell_type == "markdown"  # each opens by saying what it shows


@pytest.mark.slow
@pytest.mark.skipif(not (SAMPLE_DIR / "enterprise.jsonl").exists(), reason="no sample data")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_on_small_data(path: Path, monkeypatch, tmp_path):
    """Executed with the kernel spec ipykernel installs into this interpreter's environment."""
    monkeypatch.setenv("MATCHER_NOTEBOOK_SMALL", "1")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebooks' scratch folders land here
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any(o.output_type == "stream" for o in outputs)
    figures = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.data]
    assert figures  # every notebook draws at least one plot
