"""Red team: forged frames on the grader's channel (the worker's reply pipe, which student code
shares).

Each frame's header carries the nonce of the request it answers, checked before a byte of the
body is parsed: a frame for another nonce is read in bounded chunks and dropped, and the cell
that wrote it is blamed. A forged ``child-exit`` is believed only when the cgroup shows the
child gone; a forged last reply is caught by ``sync()``.
"""

from __future__ import annotations

import os
import tracemalloc

import pytest

from deepcourse.grader import Limits, SandboxError, Status
from deepcourse.grader.sandbox import Worker

pytestmark = pytest.mark.integration

LIMITS = Limits(cell_seconds=20, submission_seconds=60, memory_mib=1024, file_mib=16)

#: Answer-cell code that writes raw bytes to the grader's channel.
_WRITER = (
    "import json, os, struct, sys\n"
    "_fd = json.loads(sys.argv[1])['fd_out']\n"
    "def _write(data):\n"
    "    view = memoryview(data)\n"
    "    while view:\n"
    "        view = view[os.write(_fd, view):]\n"
)

_SQUARES = "def squares(n):\n    return [i * i for i in range(n)]\n"
_STANDARDIZE = (
    "def standardize(x):\n    x = np.asarray(x, dtype=float)\n    return (x - x.mean()) / x.std()\n"
)


def test_a_big_forged_frame_is_not_parsed_and_blames_the_cell_that_wrote_it(grade_hostile):
    # 20 MiB with a nonce the grader never sent (the old format: length, then JSON): it was
    # parsed (63 MiB took the grader to 1.6 GB) and blamed the previous, innocent cell.
    code = (
        _STANDARDIZE
        + _WRITER
        + (
            "body = json.dumps({'nonce': 'x' * 32, 'status': 'ok', 'pad': 'a' * (20 << 20)}).encode()\n"
            "_write(struct.pack('>I', len(body)) + body)\n"
        )
    )
    result = grade_hostile({"q2": code})
    assert not result.grader_failed
    assert result.test("q1").status is Status.PASSED  # the innocent earlier question
    assert result.test("q2").status is not Status.PASSED
    assert result.test("q3").status is Status.PASSED
    assert result.score == 4


def test_a_forged_frame_under_the_cap_is_dropped_in_chunks_without_parsing():
    code = _WRITER + (
        "body = b'[' * (12 << 20)\n_write(struct.pack('>I32s', len(body), b'f' * 32) + body)\n"
    )
    with Worker(limits=LIMITS, preload=()) as w:
        w.wait_ready()
        tracemalloc.start()
        try:
            with pytest.raises(SandboxError, match="forged frame"):
                w.run(code, timeout=20)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert w.forged_frames == 1
    assert peak < 4 << 20  # 12 MiB read, at most a chunk or two held at once


def test_the_bytes_read_per_submission_are_capped(monkeypatch):
    from deepcourse.grader import sandbox

    monkeypatch.setattr(sandbox, "READ_BUDGET", 2 << 20)
    with Worker(limits=LIMITS, preload=()) as w:
        w.wait_ready()
        assert w.run("print('x' * 60000)", timeout=20)["status"] == "ok"
        with pytest.raises(SandboxError, match="more than 2 MiB"):
            for _ in range(40):
                w.run("print('x' * 60000)", timeout=20)


def test_a_reply_over_the_frame_cap_becomes_an_error_the_student_can_read():
    with Worker(limits=LIMITS, preload=()) as w:
        w.wait_ready()
        # Each value is under wire.MAX_BYTES (8 MiB); together, base64-encoded, over the frame cap.
        code = "check('a', b'0' * (7 << 20))\ncheck('b', b'0' * (7 << 20))"
        reply = w.run(code, timeout=20, test=True)
        assert reply["nonce_ok"] and reply["status"] == "error"
        assert reply["error"]["ename"] == "ReplyTooLarge"
        assert "16 MiB" in reply["error"]["evalue"]
        assert w.run("1 + 1", timeout=20)["result"] == "2"


@pytest.mark.parametrize("frame_format", ["old", "new"])
def test_a_forged_child_exit_is_tampering_not_an_internal_error(grade_hostile, frame_format):
    # The zygote's 'child-exit' frame can be written by the child itself; an exit status the
    # grader cannot name (-999) raised ValueError: "internal grader error".
    header = (
        "struct.pack('>I', len(body))"
        if frame_format == "old"
        else "struct.pack('>I32s', len(body), b'zygote' + b'-' * 26)"
    )
    code = (
        _SQUARES
        + _WRITER
        + (
            "body = json.dumps({'op': 'child-exit', 'code': -999}).encode()\n"
            f"_write({header} + body)\n"
        )
    )
    result = grade_hostile({"q1": code})
    assert not result.grader_failed, result.error
    assert result.test("q1").status is not Status.PASSED
    assert result.score == 5
    assert any("protocol violation" in note or "forged" in note for note in result.notes)


def _forge_own_reply(worker_like) -> bool:
    """Run a cell that forges its own (passing) reply, then ask the channel to sync."""
    code = _WRITER + (
        "frame = sys._getframe()\n"
        "while 'reply' not in frame.f_locals:\n"
        "    frame = frame.f_back\n"
        "nonce = frame.f_locals['reply']['nonce']\n"
        "body = json.dumps({'nonce': nonce, 'status': 'ok', 'result': \"'forged'\"}).encode()\n"
        "_write(struct.pack('>I32s', len(body), nonce.encode()) + body)\n"
        "'real'"
    )
    reply = worker_like.run(code, timeout=20)
    assert reply["nonce_ok"] and reply["result"] == "'forged'"  # taken for the real one...
    return worker_like.sync(timeout=10)  # ...until the sync reads the real reply behind it


def test_forging_the_last_cells_reply_is_detected_by_sync():
    with Worker(limits=LIMITS, preload=()) as w:
        w.wait_ready()
        assert w.run("1 + 1", timeout=20)["result"] == "2"
        assert w.sync(timeout=10) is True  # a clean channel
        assert _forge_own_reply(w) is False


def test_forging_the_last_cells_reply_is_detected_by_sync_in_a_zygote():
    from deepcourse.grader.pool import ZygotePool

    if os.getuid() != 0:
        pytest.skip("zygotes need the grader to run as root")
    with ZygotePool(size=1, limits=LIMITS, preload=()) as pool:
        session = pool.acquire()
        session.wait_ready()
        assert session.sync(timeout=10) is True
        assert _forge_own_reply(session) is False
        session.close()
        again = pool.acquire()
        again.wait_ready()
        reply = again.request(
            {"op": "run", "code": "6 * 7", "test": False, "timeout": 5}, timeout=5
        )
        assert reply["nonce_ok"] and reply["result"] == "42"
        again.close()


def test_the_last_planned_cells_forged_reply_is_caught_when_grading(grade_hostile):
    """The last step of HW0 is a hidden check() of word_counts: a word_counts that writes a
    forged reply for it, with the request's own nonce, is caught by the sync after the plan."""
    code = _WRITER + (
        "def word_counts(text):\n"
        "    frame = sys._getframe()\n"
        "    while frame is not None and 'reply' not in frame.f_locals:\n"
        "        frame = frame.f_back\n"
        "    if frame is not None and 'cat' in text:\n"
        "        nonce = frame.f_locals['reply']['nonce']\n"
        "        body = json.dumps({'nonce': nonce, 'status': 'ok', 'checks': []}).encode()\n"
        "        _write(struct.pack('>I32s', len(body), nonce.encode()) + body)\n"
        "    out = {}\n"
        "    for w in text.lower().split():\n"
        "        out[w] = out.get(w, 0) + 1\n"
        "    return out\n"
    )
    result = grade_hostile({"q3": code})
    assert result.test("q3").status is Status.TAMPERED
    assert result.score == 5
