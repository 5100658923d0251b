"""Milestone nudges: planning who is due a message, and delivering it once."""
