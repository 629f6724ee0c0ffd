"""Handoffs: a conversation the social team passes to support or sales, and its life after."""
