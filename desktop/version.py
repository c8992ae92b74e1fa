"""The version Accord reports, from the installed distribution's metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def accord_version() -> str:
    try:
        return version("accord")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"
