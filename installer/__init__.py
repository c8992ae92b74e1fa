"""Packaging: a PyInstaller onedir bundle, the Windows installer and the macOS disk image.

`uv run python -m installer.build` builds for the platform it runs on (see README.md,
"Installers").
"""
