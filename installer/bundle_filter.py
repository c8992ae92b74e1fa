"""What goes into the bundle beyond PyInstaller's defaults, and what is kept out.

PyInstaller follows imports and, for Qt, collects every plugin type and translation
associated with a module. Accord is a widgets application that draws SVG icons and writes
PDFs, so most of that is dead weight. Plugins are filtered inside the Qt hooks (see
`qt_module_dependencies`), before PyInstaller follows their shared-library dependencies:
dropping them from the finished TOC instead would leave those libraries behind.

Every exclusion here is covered by the smoke test (installer/smoke.py), which runs the
commands and the window that would break if something needed were left out.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable
from pathlib import Path

from installer.project import ROOT

#: Qt bindings Accord imports (desktop/, db/ never), plus QtDBus which QtGui links on Linux.
QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtSvg", "QtDBus")

#: Python modules that PyInstaller would follow but Accord never runs.
EXCLUDED_MODULES = (
    # Qt modules nothing of Accord's uses (PySide6 links QtNetwork; its plugins stay out).
    "PySide6.QtNetwork",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtXml",
    "PySide6.QtUiTools",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "tkinter",
    # Build and test tools that installed packages mention.
    "setuptools",
    "pkg_resources",
    "distutils",
    "wheel",
    "pip",
    "doctest",  # phonenumbers and pytz import it under `if __name__ == "__main__"` only
    "unittest",
    "pydoc",
    # Optional extras: Mako's syntax highlighting, icalendar's pytz provider (zoneinfo is used).
    "pygments",
    "pytz",
    # phonenumbers' geocoder, carrier and time-zone data (19 MB): Accord only parses and formats.
    "phonenumbers.geocoder",
    "phonenumbers.geodata",
    "phonenumbers.carrier",
    "phonenumbers.carrierdata",
    "phonenumbers.timezone",
    "phonenumbers.tzdata",
    "phonenumbers.prefix",
    # Database servers Accord does not support (SQLite; PostgreSQL stays for shared servers).
    "sqlalchemy.dialects.mysql",
    "sqlalchemy.dialects.mssql",
    "sqlalchemy.dialects.oracle",
    "MySQLdb",
    "pysqlite2",
    "psycopg2",
)

#: Plugin types dropped whole: networking, embedded-Linux input and displays, GL glue.
DROPPED_PLUGIN_TYPES = frozenset(
    {
        "designer",
        "egldeviceintegrations",
        "generic",
        "geometryloaders",
        "networkinformation",
        "qmllint",
        "qmltooling",
        "sqldrivers",
        "tls",
        "vectorimageformats",
        "wayland-graphics-integration-client",
        "wayland-graphics-integration-server",
        "xcbglintegrations",
    }
)
#: Plugin types of which only these are kept (name stems without `lib`, `q` and suffix).
#: platforms: the desktop's own, and offscreen for the smoke test and headless reports.
KEPT_PLUGINS = {
    "platforms": ("windows", "cocoa", "xcb", "wayland", "offscreen"),
    "imageformats": ("svg",),  # the icon; PNG is built into QtGui
    "platformthemes": ("xdgdesktopportal",),  # gtk3 would drag in GTK's libraries
    "platforminputcontexts": ("compose", "ibus"),  # dead keys: ä, ö, å on any keyboard
    "wayland-shell-integration": ("xdg-shell",),
    "wayland-decoration-client": ("bradient",),
}
#: Leaf libraries the Qt hooks add that Accord never loads: Windows' software OpenGL
#: renderer (20 MB), for OpenGL and Qt Quick on machines without a GPU driver.
DROPPED_BINARIES = frozenset({"opengl32sw.dll"})
#: Qt's own translations (dialog buttons, context menus) for the languages Accord speaks.
QT_TRANSLATION_LANGUAGES = ("fi", "sv")


def _stem(filename: str) -> str:
    name = os.path.basename(filename).split(".")[0]
    return name.removeprefix("lib")


def keep_plugin(plugin_type: str, filename: str) -> bool:
    """Whether a Qt plugin of this type and file name belongs in the bundle."""
    if plugin_type in DROPPED_PLUGIN_TYPES:
        return False
    wanted = KEPT_PLUGINS.get(plugin_type)
    if wanted is None:
        return True  # iconengines, printsupport, styles, ...: small and all useful
    stem = _stem(filename)
    return any(stem in (w, f"q{w}") or stem.startswith(w) for w in wanted)


def keep_translation(filename: str) -> bool:
    """qtbase_fi.qm yes; qtbase_ja.qm, designer_fi.qm, qt_help_fi.qm no."""
    stem = os.path.basename(filename).removesuffix(".qm")
    base, _, language = stem.partition("_")
    return base == "qtbase" and language.split("_")[0] in QT_TRANSLATION_LANGUAGES


def _plugin_type(dest_dir: str) -> str | None:
    parts = Path(dest_dir).parts
    return parts[parts.index("plugins") + 1] if "plugins" in parts[:-1] else None


def filter_qt_files(
    binaries: Iterable[tuple[str, str]], datas: Iterable[tuple[str, str]]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """A Qt hook's (source, destination folder) lists without the unwanted plugins and
    translations."""
    kept_binaries = []
    for src, dest in binaries:
        kind = _plugin_type(dest)
        if kind is None or keep_plugin(kind, src):
            kept_binaries.append((src, dest))
    kept_datas = [
        (src, dest) for src, dest in datas if not src.endswith(".qm") or keep_translation(src)
    ]
    return kept_binaries, kept_datas


def qt_module_dependencies(module: str) -> tuple[list[str], list[tuple[str, str]], list]:
    """What PyInstaller's own hook for a PySide6 module collects, filtered (used by the
    hooks that `write_hooks` generates)."""
    from PyInstaller.utils.hooks.qt import get_qt_library_info

    hiddenimports, binaries, datas = get_qt_library_info("PySide6").collect_module(module)
    binaries, datas = filter_qt_files(binaries, datas)
    hiddenimports = [m for m in hiddenimports if not excluded(m)]
    return hiddenimports, binaries, datas


def excluded(module: str) -> bool:
    return any(module == e or module.startswith(f"{e}.") for e in EXCLUDED_MODULES)


def phonenumbers_modules() -> list[str]:
    """phonenumbers loads each region's metadata by name; its geocoder data stays out
    (PyInstaller's own hook would import all 19 MB of it to list it)."""
    from PyInstaller.utils.hooks import collect_submodules

    return collect_submodules("phonenumbers", filter=lambda name: not excluded(name))


def write_hooks(folder: Path) -> Path:
    """Hooks that PyInstaller prefers to its own: the Qt modules Accord uses, phonenumbers."""
    folder.mkdir(parents=True, exist_ok=True)
    header = "# Generated by installer/bundle_filter.py.\n"
    for name in QT_MODULES:
        (folder / f"hook-PySide6.{name}.py").write_text(
            f"{header}from installer.bundle_filter import qt_module_dependencies\n\n"
            f"hiddenimports, binaries, datas = qt_module_dependencies('PySide6.{name}')\n",
            encoding="utf-8",
        )
    (folder / "hook-phonenumbers.py").write_text(
        f"{header}from installer.bundle_filter import phonenumbers_modules\n\n"
        "hiddenimports = phonenumbers_modules()\n",
        encoding="utf-8",
    )
    return folder


def migration_files() -> list[tuple[str, str]]:
    """Alembic reads env.py and the revisions as files from db/migrations/, not as modules."""
    folder = ROOT / "db" / "migrations"
    return [
        (str(path), str(path.parent.relative_to(ROOT)))
        for path in sorted(folder.rglob("*"))
        if path.suffix == ".py"
        and path.name != "new_revision.py"
        and "__pycache__" not in path.parts
    ]


def migration_imports() -> list[str]:
    """Modules the migration files import: PyInstaller cannot see imports in data files."""
    names: set[str] = set()
    for src, _ in migration_files():
        for node in ast.walk(ast.parse(Path(src).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
    return sorted(n for n in names if n != "__future__")
