"""Handoffs to support and sales: start one, move it, time it, list it. No Slack here.

start ─▶ open ─claim / reassign─▶ claimed ─resolve─▶ resolved
           │                         │
           └──────── bounce back ────┴─▶ bounced (the message may be handed off again)

routing   Route, RoutingRules, route: which team, and why
create    HandoffRequest, start_handoff (one live handoff per Slack message), HandoffInvalid
decide    claim, reassign, resolve, bounce, check_action; HandoffOutcome and its refusals
packets   the packet owed to the team channel: claim_packet_post, packet_posted, … (retried)
sla       TeamSla, the timers each fired once: due_timers, fire_timer
queries   list_handoffs (Scope: mine, open, support, sales), get_handoff
"""
