"""Quality: scorecards, evaluations, disputes and calibration of evaluators."""
