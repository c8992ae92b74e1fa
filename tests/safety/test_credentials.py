"""Promise: a shared server's password goes to the OS keychain, never to settings or logs.

The keychain is the one thing this machine cannot have, so a small in-memory keyring
backend stands in for it (as DEVELOPERS.md allows); everything else is real.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import QSettings

from db.credentials import public_text, store_password
from db.session import database_url
from desktop import cli
from desktop.logs import setup_logging
from desktop.main_window import recent_files, remember_file


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def keychain() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    fake = MemoryKeyring()
    keyring.set_keyring(fake)
    yield fake
    keyring.set_keyring(previous)


URL = "postgresql+psycopg://coordinator:s3cret-Pass@db.example:5432/accord"


def test_password_moves_to_the_keychain_and_comes_back(keychain: MemoryKeyring) -> None:
    url = database_url(URL)
    stripped = store_password(url)
    assert stripped.password is None
    assert list(keychain.store.values()) == ["s3cret-Pass"]
    assert "s3cret" not in public_text(url)
    again = database_url(public_text(url))  # what settings remember: no password
    assert again.password == "s3cret-Pass"


def test_settings_and_logs_never_hold_the_password(
    keychain: MemoryKeyring, qapp: object, capsys: pytest.CaptureFixture[str]
) -> None:
    log_path = setup_logging()
    url = database_url(URL)
    store_password(url)
    remember_file(public_text(url))
    QSettings().sync()
    assert recent_files()[0] == "postgresql+psycopg://coordinator@db.example:5432/accord"
    settings_file = Path(QSettings().fileName())
    assert "s3cret" not in settings_file.read_text(encoding="utf-8", errors="replace")
    # A failing connection logs and prints an error: neither shows the password.
    assert cli.main(["list", "agreements", "--db", URL]) == 2
    err = capsys.readouterr().err
    assert err.startswith("accord: error:") and "s3cret" not in err
    logging.getLogger("accord").error("opened %s", public_text(url))
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "s3cret" not in log_path.read_text(encoding="utf-8")
