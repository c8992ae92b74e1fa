"""Calendar (.ics) export and import.

`text`, `vtimezone`, `export` and `importer` are pure and free of Qt (the CLI runs them
headless); `cli` adds `accord export-ics` / `import-ics`; `dialogs` holds the Qt dialogs
and the worker that runs long exports and imports off the GUI thread.
"""
