"""Metrics: service level, speed of answer, abandonment, handle time … as spec/kpis.md defines them."""
