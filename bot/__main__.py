"""``python -m bot`` is the same as the ``socialops`` command."""

from bot.runtime.cli import main

main()
