"""Entry points: the processes (web, Socket Mode, clock), the CLI, the demo and the app they compose."""
