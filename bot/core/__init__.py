"""The bottom layer: plain facts and helpers every layer may use (time, networks, Slack text escaping)."""
