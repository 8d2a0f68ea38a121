"""Command-line interface: thin commands over the library API.

Only this package prints and chooses exit codes: 0 success, 1 a report failed,
2 bad data or usage. Tracebacks appear only with ``--debug``.
"""

from . import batch_cmd, data_cmds, import_cmd, release_cmds, render_cmds, serve_cmd, theme_cmd, verify_cmd  # noqa: F401
from .app import main

__all__ = ["main"]
