"""``python -m bot`` is the same as the ``socialops`` command."""

from bot.cli import main

main()
