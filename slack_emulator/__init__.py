"""Test doubles for Slack: a Web API emulator and a client that signs requests as Slack does.

They ship inside the package because the offline demo and the benchmarks use them too.
"""
