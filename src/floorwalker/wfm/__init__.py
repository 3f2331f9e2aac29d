"""Workforce planning: forecast, staffing, schedules, adherence, intraday."""
