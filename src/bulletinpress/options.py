"""What travels with an issue through the pipeline, from the command line to the press: one
object, so a new option is a field here, not another argument on every function between."""

from __future__ import annotations

from dataclasses import dataclass

from .press.pdfx import PrintOptions


@dataclass(frozen=True)
class Options:
    """How an issue is built: for the screen or the print shop (`print`), and what the
    editor allows a composed layout — running over its pages (`allow_overflow`: more pages)
    or leaving white (`allow_underfill`)."""

    print: PrintOptions | None = None
    allow_overflow: bool = False
    allow_underfill: bool = False

    @property
    def white_allowed(self) -> bool:
        """An under-full page is built, with a warning, for the screen: the editor sees the
        page the message describes. The print shop never gets one unnoticed: a print build
        refuses it unless the editor allowed it."""
        return self.allow_underfill or self.print is None


#: a screen build that allows nothing more than its defaults
SCREEN = Options()
#: the preview and `pdf_bytes`: every page shown, whatever it lacks or has too much of
DRAFT = Options(allow_overflow=True, allow_underfill=True)
