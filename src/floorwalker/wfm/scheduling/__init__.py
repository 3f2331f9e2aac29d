"""Weekly schedule generation: rules, the optimiser, an independent rule checker.

Pure modules: plain data in, plain data out. Times are whole minutes from the start of
the scheduling horizon (Monday 00:00 site-local time); durations are minutes.
"""
