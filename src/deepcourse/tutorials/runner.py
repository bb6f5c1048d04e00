"""Execute a tutorial: jupytext source -> notebook -> a fresh Jupyter kernel (nbclient).

The kernel is this interpreter (``sys.executable``) with the environment of the caller, and the
folder holding the ``deepcourse`` package that is running is put first on its ``PYTHONPATH``, so
the notebook imports exactly the code under test (also from a source checkout run as
``PYTHONPATH=src``). The kernel's working directory is a fresh temporary folder. Figures use
ipykernel's inline backend (Agg underneath), so ``plt.show()`` puts PNGs into the notebook.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import deepcourse
from deepcourse.tutorials.discover import Tutorial

KERNEL_NAME = "deepcourse-python"

#: Seconds one cell may run before the tutorial fails.
CELL_TIMEOUT = 600


@dataclass(frozen=True)
class CellFailure:
    """Where and why a tutorial failed: the failing cell and its error."""

    cell_index: int
    source: str
    ename: str
    evalue: str
    traceback: str

    def summary(self) -> str:
        first_line = self.source.strip().splitlines()[0] if self.source.strip() else ""
        return f"cell {self.cell_index} ({first_line[:60]!r}): {self.ename}: {self.evalue}"


@dataclass
class TutorialResult:
    """The outcome of executing one tutorial."""

    tutorial: Tutorial
    seconds: float
    failure: CellFailure | None = None
    notebook: Any = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """Whether every cell ran without an error."""
        return self.failure is None


def read_notebook(path: Path) -> Any:
    """The jupytext percent-format source ``path`` as an ``nbformat`` notebook (with cell ids)."""
    import jupytext
    import nbformat

    notebook = jupytext.read(path)
    notebook.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.nbformat_minor = max(notebook.nbformat_minor, 5)
    for i, cell in enumerate(notebook.cells):
        cell.setdefault("id", f"cell-{i}")
    nbformat.validate(notebook)
    return notebook


def _kernel_environment() -> dict[str, str]:
    package_root = str(Path(deepcourse.__file__).resolve().parents[1])
    inherited = [
        str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p
    ]
    env = {
        "PYTHONPATH": os.pathsep.join(dict.fromkeys([package_root, *inherited])),
        "PYTHONHASHSEED": "0",
    }
    return env


def _write_kernelspec(folder: Path) -> None:
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (deepcourse)",
        "language": "python",
        "env": _kernel_environment(),
    }
    target = folder / KERNEL_NAME
    target.mkdir(parents=True)
    (target / "kernel.json").write_text(json.dumps(spec))


def _first_error(notebook: Any) -> CellFailure | None:
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                from nbconvert.filters import strip_ansi

                return CellFailure(
                    cell_index=index,
                    source=cell.source,
                    ename=output.get("ename", ""),
                    evalue=output.get("evalue", ""),
                    traceback=strip_ansi("\n".join(output.get("traceback", []))),
                )
    return None


def run_tutorial(tutorial: Tutorial, *, cell_timeout: int = CELL_TIMEOUT) -> TutorialResult:
    """Execute ``tutorial`` top to bottom in a fresh kernel; never raises for a failing cell.

    Returns:
        A :class:`TutorialResult`: ``ok``, wall-clock seconds (kernel start included), the first
        failing cell (``failure``) if any, and the executed notebook.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    notebook = read_notebook(tutorial.path)
    specs = Path(tempfile.mkdtemp(prefix="deepcourse-kernel-"))
    workdir = Path(tempfile.mkdtemp(prefix="deepcourse-tutorial-"))
    start = time.perf_counter()
    failure = None
    try:
        _write_kernelspec(specs)
        manager = KernelManager(
            kernel_name=KERNEL_NAME, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(specs)])
        )
        client = NotebookClient(
            notebook,
            km=manager,
            timeout=cell_timeout,
            kernel_name=KERNEL_NAME,
            resources={"metadata": {"path": str(workdir)}},
        )
        try:
            # The kernel's own stderr (transport warnings) is noise; cell output comes over ZMQ.
            client.execute(cwd=str(workdir), stderr=subprocess.DEVNULL)
        except CellExecutionError as exc:
            failure = _first_error(notebook) or CellFailure(
                -1,
                "",
                getattr(exc, "ename", "CellExecutionError"),
                getattr(exc, "evalue", ""),
                str(exc),
            )
        except (CellTimeoutError, DeadKernelError) as exc:
            failure = CellFailure(-1, "", type(exc).__name__, str(exc).splitlines()[0], str(exc))
    finally:
        shutil.rmtree(specs, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    seconds = time.perf_counter() - start
    return TutorialResult(tutorial, seconds, failure, notebook)
