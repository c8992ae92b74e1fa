"""Command-line commands of this feature (no Qt import at module level)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def add_commands(
    sub: Any, db_option: Callable[[argparse.ArgumentParser], None]
) -> dict[str, Callable[[argparse.Namespace], int]]:
    return {}
