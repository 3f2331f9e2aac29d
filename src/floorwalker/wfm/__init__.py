"""Workforce planning: staffing mathematics (Erlang B, C, A, chat, deferred work, shrinkage)."""
