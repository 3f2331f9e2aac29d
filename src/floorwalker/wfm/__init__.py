"""Workforce planning: demand forecasting and staffing mathematics (Erlang B, C, A, chat,
deferred work, shrinkage)."""
