"""Stage 4: the template context through the layout's Jinja2 template, to HTML."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..errors import ContentError, Diagnostic
from ..source import files


@lru_cache(maxsize=8)
def environment(layout_dirs: tuple[Path, ...]) -> jinja2.Environment:
    """One environment per search path, kept so a warm process compiles each template once.
    Sandboxed: a project's templates present data and need nothing else, so a template
    written to reach Python's internals (`cycler.__init__.__globals__.os`) is refused."""
    return SandboxedEnvironment(
        loader=_InsideLoader([str(d) for d in layout_dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class _InsideLoader(jinja2.FileSystemLoader):
    """Templates read by the file rule (source/files.py): from inside the layout folders
    only, regular files under a ceiling. One reached through a symbolic link that leaves
    the folders is refused (a project's layouts never read the rest of the disk)."""

    def get_source(self, environment, template):
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            path = Path(folder, *pieces)
            if os.path.lexists(path):
                return self._read(path, template), str(path), _unchanged(path)
        raise jinja2.TemplateNotFound(template)

    def _read(self, path: Path, template: str) -> str:
        try:
            data = files.read_or_refuse(path, files.TEMPLATE, [Path(folder) for folder in self.searchpath])
            return data.decode("utf-8")
        except files.Refused as exc:
            raise ContentError([Diagnostic(path, 1, 1, f"template '{template}': {exc}")]) from None
        except UnicodeDecodeError as exc:
            raise ContentError([Diagnostic(path, 1, 1, f"template '{template}' is not UTF-8 (byte {exc.start})")]) from None


def _unchanged(path: Path):
    """Jinja2's up-to-date check: the file's modification time is the one it was read at."""
    mtime = os.path.getmtime(path)
    return lambda: os.path.exists(path) and os.path.getmtime(path) == mtime


def render(layout_dirs: list[Path], template: str, context: dict[str, Any]) -> str:
    """The HTML; a broken template is reported at its own file and line."""
    try:
        return environment(tuple(layout_dirs)).get_template(template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise ContentError([Diagnostic(exc.filename or template, exc.lineno, 1, f"template: {exc.message}")]) from None
    except jinja2.exceptions.SecurityError as exc:
        filename, line = _template_frame(exc, template)
        raise ContentError([Diagnostic(filename, line, 1, f"template: not allowed in a template: {exc}")]) from None
    except jinja2.TemplateError as exc:
        filename, line = _template_frame(exc, template)
        raise ContentError([Diagnostic(filename, line, 1, f"template: {exc}")]) from None


def _template_frame(exc: BaseException, template: str) -> tuple[str, int]:
    """The innermost template file and line in a rendering error's traceback."""
    found = (template, 1)
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".html"):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found
