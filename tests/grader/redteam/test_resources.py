"""Red team: submissions that try to exhaust time, memory, processes, disk or output.

Each gets the points its correct answers earn (the other questions hold the reference
solution) and a clear status, and the grader keeps running.
"""

from __future__ import annotations

import pytest

from deepcourse.grader import Status

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_an_infinite_loop_times_out_its_own_question_only(grade_hostile):
    result = grade_hostile({"q2": "def standardize(x):\n    while True:\n        pass"})
    assert result.score == 4
    assert result.test("q2").status is Status.TIMEOUT


def test_an_infinite_loop_at_top_level_that_ignores_the_alarm_is_killed_and_skipped(grade_hostile):
    code = (
        "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
        "def standardize(x):\n    return x\nwhile True:\n    pass"
    )
    result = grade_hostile({"q2": code})
    assert result.score == 4
    assert result.test("q2").status in (Status.ERROR, Status.FAILED)
    assert any("time limit" in n and "re-run without it" in n for n in result.notes)


def test_sleeping_for_a_million_seconds_times_out(grade_hostile):
    result = grade_hostile({"q1": "import time\ndef squares(n):\n    time.sleep(10**6)"})
    assert result.score == 5
    assert result.test("q1").status is Status.TIMEOUT


def test_a_memory_bomb_is_stopped_by_the_memory_limit(grade_hostile):
    code = "blocks = []\nwhile True:\n    blocks.append(bytearray(64 * 1024 * 1024))"
    result = grade_hostile({"q3": code})
    assert result.score == 5
    assert result.test("q3").status in (Status.ERROR, Status.FAILED)
    assert "memory" in " ".join(result.notes) + result.test("q3").message


def test_a_fork_bomb_is_stopped_by_the_process_limit(grade_hostile):
    code = (
        "import os\n"
        "def squares(n):\n    return [i * i for i in range(n)]\n"
        "for _ in range(10000):\n    os.fork()"
    )
    result = grade_hostile({"q1": code})
    assert result.score >= 5  # q2 and q3 always; q1 too if the cell's error left squares defined
    assert result.test("q2").status is Status.PASSED


def test_a_10_gb_file_write_is_stopped_by_the_file_size_limit(grade_hostile, all_output):
    code = (
        "chunk = b'0' * (1 << 20)\n"
        "with open('huge.bin', 'wb') as f:\n"
        "    for _ in range(10 * 1024):\n"
        "        f.write(chunk)"
    )
    result = grade_hostile({"q2": code})
    assert result.score == 4
    assert "File too large" in all_output(result) or "No space left" in all_output(result)


def test_100_mb_of_printed_output_is_truncated(grade_hostile):
    code = (
        "import os\nline = 'x' * 999 + '\\n'\n"
        "for _ in range(50_000):\n    print(line, end='')\n"
        "os.write(1, b'y' * (50 * 1024 * 1024))\n"
        "def squares(n):\n    return [i * i for i in range(n)]"
    )
    result = grade_hostile({"q1": code})
    assert result.score == 7
    cell = next(o for o in result.outputs if o.grade_id == "q1-answer")
    assert len(cell.stdout) <= 64 * 1024
    assert cell.dropped > 40_000_000
