"""Screenshots of the Timeline page: 100% and 200% scaling, light and dark palettes.

    uv run python -m desktop.timeline.screenshots [OUT_DIR]

Writes resources/screenshots/timeline-{light,dark}-{100,200}.png (and one zoomed in on
fall 2024, timeline-light-100-zoomed.png) from the sample
partnership with "today" fixed at 29 Nov 2026, so that the images are reproducible.
The 200% images paint the page at a device pixel ratio of 2, as a HiDPI screen would.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = date(2026, 11, 29)


def main(out: Path | None = None) -> list[Path]:
    from PySide6.QtCore import QLocale
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from db.paths import resources_dir
    from db.sample import load_sample
    from db.session import open_database
    from desktop.app import create_application
    from desktop.context import AppContext
    from desktop.screenshots import dark_palette
    from desktop.timeline.page import TimelinePage

    out = out or resources_dir() / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = create_application(sys.argv[:1])
    previous_locale, previous_palette = QLocale(), app.palette()
    QLocale.setDefault(QLocale("en_GB"))
    light = app.style().standardPalette()
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "sample.db")
        with db.transaction() as session:
            load_sample(session)
        context = AppContext(db, today=lambda: TODAY)
        for name, palette in (("light", light), ("dark", dark_palette())):
            app.setPalette(palette)  # type: ignore[arg-type]
            page = TimelinePage(context)
            page.resize(1200, 640)
            page.show()
            page.reload(wait=True)
            page.canvas.show_range(date(2011, 7, 1).toordinal(), date(2030, 6, 30).toordinal())
            QApplication.processEvents()
            for scale in (1, 2):
                image = QImage(
                    page.width() * scale, page.height() * scale, QImage.Format.Format_ARGB32
                )
                image.setDevicePixelRatio(scale)
                image.fill(palette.color(palette.ColorRole.Window))  # type: ignore[attr-defined]
                page.render(image)
                path = out / f"timeline-{name}-{scale * 100}.png"
                image.save(str(path))
                saved.append(path)
            if name == "light":
                # Zoomed in on fall 2024: Thesis Day as a soft span, a signing as a diamond.
                page.canvas.show_range(date(2024, 5, 1).toordinal(), date(2025, 6, 30).toordinal())
                QApplication.processEvents()
                path = out / "timeline-light-100-zoomed.png"
                page.grab().save(str(path))
                saved.append(path)
            page.close()
            page.deleteLater()
        db.close()
    app.setPalette(previous_palette)
    QLocale.setDefault(previous_locale)
    return saved


if __name__ == "__main__":
    for p in main(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(p)
