; Inno Setup 6 script for Accord. Built by `uv run python -m installer.build` on Windows,
; which passes the version from pyproject.toml and the paths below; by hand:
;   iscc /DAppVersion=0.1.0 /DAppVersionNumeric=0.1.0.0 installer\windows\accord.iss
;
; - Installs for the current user without administrator rights (the setup offers an
;   all-users install, which asks for them).
; - The AppId never changes: a newer setup upgrades the installed Accord in place, in the
;   same folder, after closing it; the old version's program files are removed first.
; - Uninstalling removes the program only. The database, its backups and the logs live in
;   %LOCALAPPDATA%\Accord (see README.md, "Where data lives"), which this script never
;   names: they stay.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef AppVersionNumeric
  #define AppVersionNumeric "0.0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\Accord"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef SetupIcon
  #define SetupIcon "..\..\build\accord\generated\accord.ico"
#endif

[Setup]
; Fixed for every version (installer/project.py WINDOWS_APP_ID); "{{" is a literal "{".
AppId={{4D72A99B-A031-4D40-BC4A-69A12BB6C40D}
AppName=Accord
AppVersion={#AppVersion}
AppVerName=Accord {#AppVersion}
AppPublisher=The Accord developers
AppComments=City-university partnership agreements, milestones and calendars
VersionInfoVersion={#AppVersionNumeric}
VersionInfoProductName=Accord
DefaultDirName={autopf}\Accord
DefaultGroupName=Accord
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
ChangesAssociations=yes
CloseApplications=yes
RestartApplications=no
SetupIconFile={#SetupIcon}
UninstallDisplayIcon={app}\Accord.exe
UninstallDisplayName=Accord
OutputDir={#OutputDir}
OutputBaseFilename=Accord-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "finnish"; MessagesFile: "compiler:Languages\Finnish.isl"
Name: "swedish"; MessagesFile: "compiler:Languages\Swedish.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; A clean upgrade: the previous version's libraries go before the new ones are copied, so
; that nothing of an older Qt or Python is left to be loaded.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; Accord.exe is the windowed program: no console window. accord-cli.exe, beside it, is for
; the command line (accord-cli --version, accord-cli report ...).
Name: "{autoprograms}\Accord"; Filename: "{app}\Accord.exe"; Comment: "Partnership agreements, milestones and calendars"
Name: "{autodesktop}\Accord"; Filename: "{app}\Accord.exe"; Tasks: desktopicon

[Registry]
; "Open with > Accord" for .ics files, without taking them from the calendar program.
; HKA is HKCU for a per-user install and HKLM for an all-users one.
Root: HKA; Subkey: "Software\Classes\.ics\OpenWithProgids"; ValueType: string; ValueName: "Accord.ics"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Accord.ics"; ValueType: string; ValueName: ""; ValueData: "iCalendar file"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Accord.ics\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\Accord.exe,0"
Root: HKA; Subkey: "Software\Classes\Accord.ics\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\Accord.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\Accord.exe"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "Accord"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\Accord.exe\SupportedTypes"; ValueType: string; ValueName: ".ics"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\Accord.exe\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\Accord.exe"" ""%1"""

[Run]
Filename: "{app}\Accord.exe"; Description: "{cm:LaunchProgram,Accord}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] and no [Code]: uninstalling removes exactly what was installed, and
; %LOCALAPPDATA%\Accord (the database, backups/, the log) is not among it.
