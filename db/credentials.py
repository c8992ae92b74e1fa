"""Passwords of shared database servers live in the OS keychain, never in files.

A URL typed with a password (postgresql+psycopg://me:secret@server/accord) has its password
moved to the keychain (Windows Credential Manager, macOS Keychain, Secret Service) through
`keyring`; settings, recent-file lists and logs only ever see the URL without it.
"""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError
from sqlalchemy.engine import URL

SERVICE = "Accord"
log = logging.getLogger("accord.credentials")


def _account(url: URL) -> str:
    where = f"{url.host or ''}:{url.port or ''}/{url.database or ''}"
    return f"{url.drivername}://{url.username or ''}@{where}"


def store_password(url: URL) -> URL:
    """Put the URL's password in the keychain; return the URL without it."""
    if url.password is None or url.get_backend_name() == "sqlite":
        return url
    try:
        keyring.set_password(SERVICE, _account(url), str(url.password))
    except KeyringError:
        log.warning(
            "no keychain available; the password for %s is not remembered",
            url.render_as_string(hide_password=True),
        )
    return url._replace(password=None)


def with_password(url: URL) -> URL:
    """The URL with its password from the keychain, when it has none of its own."""
    if url.password is not None or url.get_backend_name() == "sqlite" or not url.host:
        return url
    try:
        password = keyring.get_password(SERVICE, _account(url))
    except KeyringError:
        return url
    return url if password is None else url.set(password=password)


def public_text(url: URL) -> str:
    """The URL as it may be shown, stored in settings or logged: no password at all."""
    return url._replace(password=None).render_as_string(hide_password=False)
