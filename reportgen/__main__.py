"""``python -m reportgen``: the command-line interface."""

from .cli import main

main()
