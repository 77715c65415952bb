"""Charts as static images for the HTML report, the PDF brief and the PowerPoint deck.

plotly draws them through kaleido, which drives a Chromium-family browser already on the
machine (kaleido finds it on the PATH; ``BROWSER_PATH`` names another). The first image
starts a browser for the whole process (a few seconds); later ones take a fraction of a
second. Without a browser the export fails with an :class:`ExportError` that says so.
Every figure is drawn through :func:`analysis.model.markup.safe_figure`, so a user's
label cannot add a link or a style to an exported chart.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import warnings

import kaleido
import plotly.graph_objects as go
import plotly.io as pio

from analysis.model.errors import ExportError
from analysis.model.markup import safe_figure

WIDTH = 1000
"""Width in CSS pixels the charts are laid out at (a slide or a page's text width)."""

_START = threading.Lock()
_started = False
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def _browser() -> str | None:
    named = os.environ.get("BROWSER_PATH")
    if named:
        return named
    return next((found for name in _BROWSERS if (found := shutil.which(name))), None)


def _start() -> None:
    """Start kaleido's browser once per process, so each later image is quick."""
    global _started
    with _START:
        if _started:
            return
        browser = _browser()
        if browser is None:
            raise ExportError(
                "Charts cannot be drawn as images: no Chromium or Chrome browser was found.",
                "Install Chromium (apt-get install chromium) or set BROWSER_PATH to a "
                "Chrome-family browser.")
        os.environ.setdefault("BROWSER_PATH", browser)
        with contextlib.suppress(RuntimeError):  # already running in this process
            kaleido.start_sync_server(silence_warnings=True)
        _started = True


def figure_image(figure: go.Figure, format: str = "png", *, width: int = WIDTH,
                 height: int | None = None, scale: float = 2.0) -> bytes:
    """The figure as PNG or SVG bytes (``height`` defaults to the figure's own)."""
    assert format in ("png", "svg"), format
    _start()
    height = height or figure.layout.height or 450
    try:
        with warnings.catch_warnings():
            # plotly notes that per-call browser options are ignored by the shared server.
            warnings.filterwarnings("ignore", message="The kopts argument", category=UserWarning)
            return pio.to_image(safe_figure(figure), format=format, width=width, height=height,
                                scale=scale)
    except (RuntimeError, ValueError, OSError) as error:
        raise ExportError(f"A chart could not be drawn as an image ({error}).",
                          "Try again; if it persists, check that Chromium starts on this "
                          "machine.") from error
