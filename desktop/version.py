"""The version Accord reports, from the installed distribution's metadata.

Every start builds the command line, whose --version needs this; importing
importlib.metadata costs more than half of what a bare Qt window takes to appear
(tests/benchmarks/bench_startup.py), so the METADATA file of Accord's own dist-info is read
first, and importlib.metadata is the fallback (a bundle, an unusual layout).
"""

from __future__ import annotations

import os
import sys
from functools import cache


@cache
def accord_version() -> str:
    found = _from_dist_info()
    if found is not None:
        return found
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("accord")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def _from_dist_info() -> str | None:
    """The Version line of the first accord-*.dist-info on sys.path (as importlib finds)."""
    for entry in sys.path:
        try:
            names = sorted(n for n in os.listdir(entry or ".") if n.startswith("accord-"))
        except OSError:  # not a folder (a zip), or gone
            continue
        for name in names:
            if not name.endswith(".dist-info"):
                continue
            try:
                with open(os.path.join(entry, name, "METADATA"), encoding="utf-8") as metadata:
                    for line in metadata:
                        if line.startswith("Version:"):
                            return line.split(":", 1)[1].strip()
                        if not line.strip():
                            break  # the headers end at the first empty line
            except OSError:
                continue
    return None
