"""Slack adapters: one module per feature, each with ``register``. Listeners stay thin:
ack, parse, call one workflow, render with a builder, send."""
