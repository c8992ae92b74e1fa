"""Facts about the product that every installer repeats, read once from pyproject.toml.

The version lives only in pyproject.toml; the Windows version resource, the Inno Setup
script and the macOS Info.plist are given it at build time, never by hand.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"

APP_NAME = "Accord"
#: The windowed executable (what shortcuts, the .ics association and the .app start).
GUI_EXE = "Accord"
#: A console executable next to it on Windows (and Linux), for `accord-cli --version` etc.:
#: a windowed Windows program has no console to print to.
CLI_EXE = "accord-cli"
PUBLISHER = "The Accord developers"
#: macOS: reverse-DNS name that code signing, the keychain and Launch Services key on.
BUNDLE_ID = "org.accord-app.Accord"
#: Inno Setup: the same id for every version, so that a new one upgrades the old in place.
WINDOWS_APP_ID = "{4D72A99B-A031-4D40-BC4A-69A12BB6C40D}"
#: Resource folders the running app needs (resources/screenshots is for README.md only).
BUNDLED_RESOURCES = ("fonts", "icons", "sample", "translations")


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    description: str

    @property
    def version_tuple(self) -> tuple[int, int, int, int]:
        """Four numbers for Windows' VERSIONINFO: 1.2.3rc1 -> (1, 2, 3, 0)."""
        numbers = [int(n) for n in re.findall(r"\d+", self.version.split("+")[0])[:3]]
        numbers += [0] * (4 - len(numbers))
        return (numbers[0], numbers[1], numbers[2], numbers[3])

    @property
    def short_version(self) -> str:
        """macOS CFBundleShortVersionString: three numbers, nothing else."""
        return ".".join(str(n) for n in self.version_tuple[:3])


def read_project(pyproject: Path = PYPROJECT) -> Project:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return Project(data["name"], data["version"], data["description"])
