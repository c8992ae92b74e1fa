"""The files the installers are made from, checked where they cannot be run: the icons,
the Windows version resource, the macOS Info.plist, the Inno Setup script, the filters."""

from __future__ import annotations

import plistlib
import re
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QImageReader

from installer import bundle_filter, generated
from installer.project import (
    BUNDLE_ID,
    GUI_EXE,
    ROOT,
    WINDOWS_APP_ID,
    Project,
    read_project,
)

ISS = ROOT / "installer" / "windows" / "accord.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "installers.yml"


def test_version_comes_from_pyproject() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    declared = re.search(r'^version = "([^"]+)"', text, re.M)
    assert declared is not None
    assert read_project().version == declared.group(1)


@pytest.mark.parametrize(
    ("version", "numbers", "short"),
    [
        ("0.1.0", (0, 1, 0, 0), "0.1.0"),
        ("2.10", (2, 10, 0, 0), "2.10.0"),
        ("1.2.3rc1", (1, 2, 3, 0), "1.2.3"),
    ],
)
def test_version_forms(version: str, numbers: tuple[int, ...], short: str) -> None:
    project = Project("accord", version, "")
    assert project.version_tuple == numbers
    assert project.short_version == short


def test_ico_holds_every_size_and_windows_reads_it(tmp_path: Path) -> None:
    ico = generated.write_ico(tmp_path / "accord.ico")
    data = ico.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(generated.ICO_SIZES))
    reader = QImageReader(str(ico))
    sizes = []
    for _ in range(reader.imageCount()):
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        sizes.append(image.width())
        centre = image.pixelColor(image.width() // 2, image.height() // 10)
        assert centre.alpha() == 255  # the dark rounded square, not a transparent hole
        reader.jumpToNextImage()
    assert sorted(sizes) == sorted(generated.ICO_SIZES)


def test_icns_entries_are_pngs_of_their_size(tmp_path: Path) -> None:
    data = generated.write_icns(tmp_path / "accord.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    found = {}
    pos = 8
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        image = QImage.fromData(data[pos + 8 : pos + length], "PNG")
        assert not image.isNull()
        found[kind] = image.width()
        pos += length
    assert found == {kind: size for kind, size in generated.ICNS_TYPES}


def test_windows_version_resource_has_the_version() -> None:
    """Evaluated the way PyInstaller evaluates it, with recording stand-ins."""
    project = Project("accord", "1.4.2", "Partnerships")
    text = generated.version_resource(project, GUI_EXE)

    def record(name: str) -> Callable[..., tuple[str, tuple, dict]]:
        return lambda *args, **kwargs: (name, args, kwargs)

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct")
    namespace = {n: record(n) for n in (*names, "VarFileInfo", "VarStruct")}
    info = eval(text, namespace)  # the file is a Python expression by PyInstaller's design
    fixed = info[2]["ffi"][2]
    assert fixed["filevers"] == (1, 4, 2, 0) and fixed["prodvers"] == (1, 4, 2, 0)
    strings = dict(s[1] for s in info[2]["kids"][0][1][0][0][1][1])
    assert strings["ProductVersion"] == "1.4.2"
    assert strings["OriginalFilename"] == "Accord.exe"


def test_info_plist_names_the_bundle_version_and_ics_files() -> None:
    project = Project("accord", "1.4.2", "")
    plist = generated.info_plist(project)
    plistlib.dumps(plist)  # every value is a plist type
    assert plist["CFBundleIdentifier"] == BUNDLE_ID
    assert plist["CFBundleShortVersionString"] == "1.4.2"
    assert plist["NSHighResolutionCapable"] is True
    assert plist["LSBackgroundOnly"] is False
    (document,) = plist["CFBundleDocumentTypes"]  # type: ignore[misc]
    assert document["CFBundleTypeExtensions"] == ["ics"]
    assert document["LSItemContentTypes"] == ["com.apple.ical.ics"]


def _iss_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in ISS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = []
        elif current:
            sections[current].append(line)
    return sections


def test_inno_setup_script_installs_per_user_with_a_fixed_app_id() -> None:
    setup = dict(line.split("=", 1) for line in _iss_sections()["Setup"])
    assert setup["AppId"] == "{" + WINDOWS_APP_ID  # "{{" is Inno's escaped "{"
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"].startswith("{autopf}")
    assert setup["CloseApplications"] == "yes" and setup["ChangesAssociations"] == "yes"


def test_inno_setup_shortcuts_start_the_windowed_program() -> None:
    icons = _iss_sections()["Icons"]
    assert icons and all('Filename: "{app}\\Accord.exe"' in line for line in icons)


def test_inno_setup_offers_open_with_for_ics() -> None:
    registry = "\n".join(_iss_sections()["Registry"])
    assert 'Subkey: "Software\\Classes\\.ics\\OpenWithProgids"' in registry
    assert '"""{app}\\Accord.exe"" ""%1"""' in registry


def test_uninstall_keeps_the_users_database() -> None:
    sections = _iss_sections()
    assert "UninstallDelete" not in sections and "Code" not in sections
    text = "\n".join(line for lines in sections.values() for line in lines).lower()
    for folder in ("{localappdata}", "{userappdata}", "{commonappdata}", "{%localappdata"):
        assert folder not in text
    # An upgrade clears only the program's own library folder.
    assert sections["InstallDelete"] == ['Type: filesandordirs; Name: "{app}\\_internal"']


@pytest.mark.parametrize(
    ("kind", "name", "kept"),
    [
        ("platforms", "libqxcb.so", True),
        ("platforms", "qwindows.dll", True),
        ("platforms", "libqcocoa.dylib", True),
        ("platforms", "libqoffscreen.so", True),
        ("platforms", "libqeglfs.so", False),
        ("platforms", "qdirect2d.dll", False),
        ("platforms", "libqvnc.so", False),
        ("imageformats", "libqsvg.so", True),
        ("imageformats", "qjpeg.dll", False),
        ("iconengines", "libqsvgicon.dylib", True),
        ("styles", "qmodernwindowsstyle.dll", True),
        ("platformthemes", "libqgtk3.so", False),
        ("platforminputcontexts", "libcomposeplatforminputcontextplugin.so", True),
        ("tls", "libqopensslbackend.so", False),
        ("xcbglintegrations", "libqxcb-glx-integration.so", False),
    ],
)
def test_plugin_filter(kind: str, name: str, kept: bool) -> None:
    assert bundle_filter.keep_plugin(kind, name) is kept


def test_translation_filter() -> None:
    assert bundle_filter.keep_translation("/x/qtbase_fi.qm")
    assert bundle_filter.keep_translation("qtbase_sv.qm")
    assert not bundle_filter.keep_translation("qtbase_ja.qm")
    assert not bundle_filter.keep_translation("qt_help_fi.qm")
    assert not bundle_filter.keep_translation("designer_fi.qm")


def test_migrations_travel_as_files_with_their_imports() -> None:
    files = bundle_filter.migration_files()
    names = {Path(src).name for src, _ in files}
    assert "env.py" in names and "0001_initial_schema.py" in names
    assert "new_revision.py" not in names
    assert all(dest.startswith("db/migrations") for _, dest in files)
    assert {"alembic", "sqlalchemy"} <= set(bundle_filter.migration_imports())


def test_excluded_modules_match_whole_names() -> None:
    assert bundle_filter.excluded("phonenumbers.geodata.data0")
    assert not bundle_filter.excluded("phonenumbers.data")
    assert not bundle_filter.excluded("pytzdata")


def test_workflow_builds_on_both_runners_and_smoke_tests() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "os: [windows-latest, macos-latest]" in text
    assert "uv run python -m installer.build" in text  # builds, smoke-tests, packages
    assert "--no-smoke-test" not in text
