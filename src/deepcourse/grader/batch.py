"""Grading many submissions in parallel, resumable, one bad file never stopping the rest."""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from deepcourse.grader import support
from deepcourse.grader.bundle import Bundle
from deepcourse.grader.exceptions import SubmissionError
from deepcourse.grader.grade import grade_submission
from deepcourse.grader.limits import Limits
from deepcourse.grader.pool import make_pool
from deepcourse.grader.report import write_feedback
from deepcourse.grader.results import INTERNAL_ERROR, SubmissionResult
from deepcourse.grader.submission import read_submission_bytes

Progress = Callable[[int, int, SubmissionResult], None]


def _digest(path: Path) -> str:
    """The content's hash, read as grading reads it: a link, FIFO or device is never opened
    through (it would hang the batch before any grading), its refusal is hashed instead."""
    try:
        data = read_submission_bytes(path)
    except SubmissionError as exc:
        data = f"unreadable:{exc.message}".encode()
    return hashlib.sha256(data).hexdigest()


def _result_key(bundle: Bundle, limits: Limits, path: Path) -> str:
    key = json.dumps([bundle.source_sha256, limits.as_dict(), str(path), _digest(path)])
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def feedback_stem(path: Path, key: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem)[:60] or "submission"
    return f"{stem}-{key[:8]}"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def grade_batch(
    bundle: Bundle,
    submissions: Sequence[str | Path],
    *,
    jobs: int = 2,
    limits: Limits | dict | None = None,
    out_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> list[SubmissionResult]:
    """Grade ``submissions`` with ``jobs`` warm sandboxed workers; results in input order.

    With ``out_dir``, each result is saved as it finishes (``results/<key>.json``) with its
    feedback (``feedback/<name>-<key>.html`` and ``.ipynb``); running again with the same
    ``out_dir`` skips what was done, so an interrupted batch resumes where it stopped.
    """
    effective = bundle.effective_limits(limits)
    paths = [Path(s) for s in submissions]
    keys = [_result_key(bundle, effective, p) for p in paths]
    results: list[SubmissionResult | None] = [None] * len(paths)
    store = Path(out_dir) / "results" if out_dir else None
    if store:
        store.mkdir(parents=True, exist_ok=True)
    todo = []
    done = 0
    for i, key in enumerate(keys):
        saved = store / f"{key}.json" if store else None
        if saved and saved.exists():
            try:
                results[i] = SubmissionResult.from_dict(
                    json.loads(saved.read_text(encoding="utf-8"))
                )
                done += 1
                if progress:
                    progress(done, len(paths), results[i])
                continue
            except (ValueError, KeyError, TypeError):
                pass  # a damaged record: grade again
        todo.append(i)
    if not todo:
        return [r for r in results if r is not None]

    stopping = threading.Event()

    def one(i: int, pool) -> SubmissionResult:
        try:
            result = grade_submission(
                bundle, paths[i], limits=effective, pool=pool, name=str(paths[i])
            )
        except Exception as exc:  # noqa: BLE001 - one submission never stops the batch
            result = SubmissionResult(
                str(paths[i]),
                0.0,
                bundle.max_score,
                error=f"{INTERNAL_ERROR}: {type(exc).__name__}: {exc}",
            )
        if stopping.is_set():  # interrupted: its sandbox was killed, so this is not a grade
            return result
        if out_dir and not result.grader_failed:  # a grader failure is regraded on resume
            stem = feedback_stem(paths[i], keys[i])
            write_feedback(result, Path(out_dir) / "feedback", stem, paths[i])
            _write_atomic(store / f"{keys[i]}.json", json.dumps(result.to_dict(outputs=True)))
        return result

    workers = max(1, min(jobs, len(todo)))
    with support.materialized(bundle.files) as folder:
        pool = make_pool(
            size=workers, limits=effective, preload=bundle.preload, assignment_dir=folder
        )
        executor = ThreadPoolExecutor(max_workers=workers)
        try:
            futures = {executor.submit(one, i, pool): i for i in todo}
            for future in as_completed(futures):
                i = futures[future]
                results[i] = future.result()
                done += 1
                if progress:
                    progress(done, len(paths), results[i])
        except BaseException:
            # Ctrl-C or a failing progress callback: keep what is saved, grade nothing more, and
            # kill the running sandboxes so the threads end at once without saving half-grades.
            stopping.set()
            executor.shutdown(wait=False, cancel_futures=True)
            pool.close(kill_busy=True)
            raise
        executor.shutdown()
        pool.close()
    return [r for r in results if r is not None]
