"""``deepcourse serve``: a busy port and the allowed hosts (issue 15, item 2)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from typer.testing import CliRunner

from deepcourse.cli import _hosts, _port, app
from deepcourse.cli import serve as serve_cli
from deepcourse.portal import config

runner = CliRunner()


@pytest.fixture
def busy_port():
    """A port this test process listens on."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


def test_issue15_serve_on_a_busy_port_names_the_holder_and_exits_2_before_the_banner(busy_port):
    result = runner.invoke(app, ["serve", "--port", str(busy_port)])
    assert result.exit_code == 2, result.output
    assert f"port {busy_port} is already in use by pid {os.getpid()} (" in result.stderr
    assert "--port" in result.stderr
    assert "portal on" not in result.output


def test_issue15_a_busy_port_whose_holder_cannot_be_found_says_another_process(
    busy_port, monkeypatch
):
    monkeypatch.setattr(_port, "_holder_from_proc", lambda port: None)
    monkeypatch.setattr(_port, "_holder_from_ss", lambda port: None)
    assert _port.port_problem("127.0.0.1", busy_port) == (
        f"port {busy_port} is already in use by another process: stop it, or choose another "
        "port with --port"
    )


def test_the_proc_tables_show_the_listening_socket(busy_port):
    assert _port._listening_inodes(busy_port)
    assert _port._holder_from_proc(busy_port)[0] == os.getpid()


def test_a_free_port_has_no_problem():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert _port.port_problem("127.0.0.1", port) is None


@pytest.mark.parametrize(
    ("host", "expected"),
    [("198.51.100.7", "is not an address of this machine"), ("no-such-host.invalid", "resolve")],
)
def test_serve_on_a_host_it_cannot_listen_on_exits_2_saying_so(host, expected):
    result = runner.invoke(app, ["serve", "--host", host, "--port", "8000"])
    assert result.exit_code == 2
    assert expected in result.stderr and "0.0.0.0 for every interface" in result.stderr


def test_issue15_allowed_hosts_are_localhost_plus_the_environment_variable(monkeypatch):
    monkeypatch.setenv("DEEPCOURSE_ALLOWED_HOSTS", "course.example.org, .technion.ac.il,")
    assert config.allowed_hosts() == [
        *config.LOCAL_HOSTS, "course.example.org", ".technion.ac.il",
    ]  # fmt: skip
    monkeypatch.delenv("DEEPCOURSE_ALLOWED_HOSTS")
    assert config.allowed_hosts() == list(config.LOCAL_HOSTS)


def test_csrf_trusted_origins_come_from_the_environment_and_need_a_scheme(monkeypatch):
    monkeypatch.setenv("DEEPCOURSE_CSRF_TRUSTED_ORIGINS", "https://course.example.org")
    assert config.csrf_trusted_origins() == ["https://course.example.org"]
    monkeypatch.setenv("DEEPCOURSE_CSRF_TRUSTED_ORIGINS", "course.example.org")
    with pytest.raises(config.CourseError, match="https://course.example.org"):
        config.csrf_trusted_origins()


def test_issue15_serve_allows_the_host_it_was_given_keeping_the_configured_ones(monkeypatch):
    monkeypatch.setenv("DEEPCOURSE_ALLOWED_HOSTS", "alias.example.org")
    serve_cli.allow_host("portal.example.org")
    assert config.allowed_hosts()[-2:] == ["alias.example.org", "portal.example.org"]
    serve_cli.allow_host("::1")
    assert "[::1]" in os.environ["DEEPCOURSE_ALLOWED_HOSTS"].split(",")


def test_issue15_serving_on_every_interface_allows_this_machines_name_and_addresses():
    hosts = _hosts.served_hosts("0.0.0.0")
    assert socket.gethostname() in hosts
    assert "127.0.0.1" in hosts  # the loopback interface is listed like the others
    assert all(":" not in h or h.startswith("[") for h in hosts)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.integration
def test_issue15_the_real_serve_on_a_busy_port_exits_2_without_the_banner(busy_port, tmp_path):
    from coursedb_fixtures import subprocess_env

    result = subprocess.run(
        [sys.executable, "-m", "deepcourse", "serve", "--port", str(busy_port)],
        env=subprocess_env(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "portal on" not in result.stdout and "Traceback" not in result.stderr
    assert f"already in use by pid {os.getpid()}" in result.stderr.replace("\n", " ")
    assert not (tmp_path / "db.sqlite3").exists()  # nothing was migrated either


@pytest.mark.integration
@pytest.mark.slow
def test_issue15_serve_on_every_interface_answers_to_this_machines_name(tmp_path):
    from coursedb_fixtures import subprocess_env

    port = _free_port()
    env = subprocess_env(f"sqlite:///{tmp_path / 'serve.sqlite3'}", tmp_path)
    env.pop("DEEPCOURSE_ALLOWED_HOSTS", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "deepcourse", "serve", "--host", "0.0.0.0", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def status(host_header: str) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/", headers={"Host": f"{host_header}:{port}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    try:
        for _ in range(600):  # up to ~60 s to migrate and start
            assert proc.poll() is None, proc.stdout.read()
            try:
                first = status(socket.gethostname())
                break
            except OSError:
                time.sleep(0.1)
        assert first == 200
        assert status("not-this-machine.example") == 400
    finally:
        proc.terminate()
        proc.wait(timeout=30)
