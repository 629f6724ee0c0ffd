"""Slack-side helpers below the listeners: the Web API client, approver-group expansion, approval cards and the clock's Slack jobs."""
