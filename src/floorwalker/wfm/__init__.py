"""Workforce management: forecasting demand and staffing requirements."""
