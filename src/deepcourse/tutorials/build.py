"""Build the tutorials: executed ``.ipynb`` and HTML files under ``build/tutorials/``."""

from __future__ import annotations

from pathlib import Path

from deepcourse.tutorials.discover import Tutorial
from deepcourse.tutorials.runner import TutorialResult, run_tutorial


def build_tutorial(tutorial: Tutorial, out_dir: Path) -> tuple[TutorialResult, list[Path]]:
    """Execute ``tutorial`` and write ``<out_dir>/NN-slug.ipynb`` and ``.html``.

    A failing tutorial is still written (with its error output), so the failure can be read.

    Returns:
        The execution result and the paths written.
    """
    import nbformat
    from nbconvert import HTMLExporter

    result = run_tutorial(tutorial)
    out_dir.mkdir(parents=True, exist_ok=True)
    notebook_path = out_dir / f"{tutorial.name}.ipynb"
    html_path = out_dir / f"{tutorial.name}.html"
    nbformat.write(result.notebook, notebook_path)
    html, _ = HTMLExporter().from_notebook_node(result.notebook)
    html_path.write_text(html, encoding="utf-8")
    return result, [notebook_path, html_path]
