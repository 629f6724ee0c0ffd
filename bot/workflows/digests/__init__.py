"""Daily digests: what a team lead reads each morning, when it is due, and that it goes once.

- ``figures``: the numbers of one window (the last day or week) and the state right now;
- ``history``: the same windowed counts per local day (the chart, ``socialops report``);
- ``subscriptions``: which channels get a digest, when, in which time zone;
- ``schedule``: when a subscription's digest falls due, in UTC, across DST changes;
- ``runs``: the claim that makes each digest go out once, and what is still owed.
"""
