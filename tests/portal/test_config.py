"""DEEPCOURSE_DATABASE_URL: SQLite (WAL, immediate transactions) or PostgreSQL."""

from __future__ import annotations

import pytest

from deepcourse.portal.config import DatabaseUrlError, database_settings, secret_key


def test_a_sqlite_url_uses_wal_and_immediate_transactions(tmp_path):
    settings = database_settings(f"sqlite:///{tmp_path}/x.sqlite3")
    assert settings["NAME"] == f"{tmp_path}/x.sqlite3"
    assert settings["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in settings["OPTIONS"]["init_command"]


def test_a_postgresql_url_gives_user_host_port_and_database():
    settings = database_settings("postgresql://ta:secret@db.example:6543/course")
    assert (settings["USER"], settings["PASSWORD"], settings["HOST"], settings["PORT"], settings["NAME"]) == (
        "ta", "secret", "db.example", "6543", "course",
    )  # fmt: skip


def test_a_postgresql_unix_socket_goes_in_the_host_parameter():
    settings = database_settings("postgresql://postgres@/course?host=/tmp/sock&port=5433")
    assert (settings["HOST"], settings["PORT"]) == ("/tmp/sock", "5433")


@pytest.mark.parametrize("url", ["mysql://x/y", "postgresql://host/", "sqlite:///"])
def test_a_bad_database_url_names_the_forms_expected(url):
    with pytest.raises(DatabaseUrlError, match="expected"):
        database_settings(url)


def test_the_generated_secret_key_is_private_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("DEEPCOURSE_SECRET_KEY", raising=False)
    monkeypatch.setenv("DEEPCOURSE_DATA_DIR", str(tmp_path))
    key = secret_key()
    assert len(key) >= 50 and secret_key() == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
