"""The team's knowledge: FAQ entries and response templates, read from files and the store."""
