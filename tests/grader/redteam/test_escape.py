"""Red team: submissions that try to read secrets, reach the network or hurt the grader."""

from __future__ import annotations

import json
import socket
import threading

import pytest

from deepcourse.grader import Status, grade_batch, grade_submission

pytestmark = pytest.mark.integration


def _reader(path: str) -> str:
    """Answer code that tries to read ``path`` and print it, then answers q2 correctly."""
    return (
        "def standardize(x):\n    x = np.asarray(x, dtype=float)\n    return (x - x.mean()) / x.std()\n"
        f"try:\n    print(open({path!r}).read()[:5000])\nexcept Exception as exc:\n    print('blocked:', exc)"
    )


def test_reading_etc_shadow_fails(grade_hostile, all_output):
    result = grade_hostile({"q2": _reader("/etc/shadow")})
    assert result.score == 7
    assert "blocked:" in all_output(result)
    assert "root:" not in all_output(result)


def test_reading_the_source_notebook_fails(grade_hostile, hw0_source, all_output):
    result = grade_hostile({"q2": _reader(str(hw0_source))})
    assert "blocked:" in all_output(result)
    assert "BEGIN HIDDEN TESTS" not in all_output(result)


def test_reading_the_grading_bundle_fails(grade_hostile, released, all_output):
    result = grade_hostile({"q2": _reader(str(released.bundle_path))})
    assert "blocked:" in all_output(result)
    assert "standardize(random)" not in all_output(result)


def test_reading_another_submission_fails(grade_hostile, tmp_path, all_output):
    other = tmp_path / "other-student.ipynb"
    other.write_text(json.dumps({"cells": [], "secret": "ANSWERS-OF-ANOTHER-PAIR"}))
    result = grade_hostile({"q2": _reader(str(other))})
    assert "blocked:" in all_output(result)
    assert "ANSWERS-OF-ANOTHER-PAIR" not in all_output(result)


def test_listing_the_filesystem_shows_no_home_work_or_root_data(grade_hostile, all_output):
    code = "import os\nfor d in ('/', '/home', '/root', '/work', '/tmp', '/etc'):\n    print(d, sorted(os.listdir(d)) if os.path.isdir(d) else None)"
    text = all_output(
        grade_hostile({"q1": code + "\ndef squares(n):\n    return [i * i for i in range(n)]"})
    )
    assert "shadow" not in text and ".ssh" not in text and "issue7" not in text


def test_opening_a_socket_reaches_nothing(grade_hostile, all_output):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.1)
    port = server.getsockname()[1]
    connected = []

    def accept() -> None:
        try:
            connected.append(server.accept())
        except OSError:
            pass

    code = (
        "import socket\n"
        f"for host in ('127.0.0.1', '1.1.1.1'):\n"
        f"    try:\n        socket.create_connection((host, {port}), timeout=1)\n        print('CONNECTED', host)\n"
        "    except OSError as exc:\n        print('blocked:', exc)\n"
        "def squares(n):\n    return [i * i for i in range(n)]"
    )
    result = grade_hostile({"q1": code})
    threading.Thread(target=accept).start()
    server.close()
    assert "CONNECTED" not in all_output(result)
    assert "blocked:" in all_output(result)
    assert not connected
    assert result.score == 7


def test_os_exit_mid_notebook_fails_only_the_questions_it_broke(grade_hostile):
    code = "import os\ndef squares(n):\n    return [i * i for i in range(n)]\nos._exit(0)"
    result = grade_hostile({"q1": code})
    assert result.score == 5
    assert result.test("q1").status is Status.ERROR
    assert result.test("q3").status is Status.PASSED  # a later question still counts
    assert any("died" in n for n in result.notes)


def test_killing_the_parent_process_harms_neither_the_grader_nor_other_submissions(
    bundle, submission
):
    code = (
        "import os, signal\n"
        "for target in (os.getppid(), 1, -1):\n"
        "    try:\n        os.kill(target, signal.SIGKILL)\n    except OSError:\n        pass\n"
        "def squares(n):\n    return [i * i for i in range(n)]"
    )
    hostile = submission({"q1": code}, name="hostile.ipynb")
    honest = submission(name="honest.ipynb")
    results = grade_batch(bundle, [hostile, honest], jobs=2)
    assert results[1].score == 7
    assert results[0].score >= 5
    assert grade_submission(bundle, honest).score == 7  # the grader still works afterwards


def test_student_code_runs_as_an_unprivileged_user(grade_hostile, all_output):
    code = "import os\nprint('uid', os.getuid(), os.geteuid())\ndef squares(n):\n    return [i * i for i in range(n)]"
    assert "uid 65534 65534" in all_output(grade_hostile({"q1": code}))
