"""The bundle's entry point: the same `accord` command line as `uv run accord`.

No command opens the window; `accord-cli --version` (Windows, Linux) or
`Accord.app/Contents/MacOS/Accord --version` print as the installed `accord` does.
"""

from __future__ import annotations

import sys

from desktop.cli import main

if __name__ == "__main__":
    # macOS before 10.9 passed a process serial number when Finder started an app.
    sys.exit(main([a for a in sys.argv[1:] if not a.startswith("-psn_")]))
