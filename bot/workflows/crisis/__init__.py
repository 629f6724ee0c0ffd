"""Crisis mode: a war room, holding statements, stricter approval, paused posts, spikes, drills.

- ``kinds``: what a crisis is (crisis or drill), its roles, what it owes Slack;
- ``queries``: the crisis running now, and a crisis by id;
- ``posts``: owing a message (briefing, status, post-mortem, alert) in the decision's transaction.
"""
