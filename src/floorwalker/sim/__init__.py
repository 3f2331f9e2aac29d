"""Simulation: a discrete-event model of the contact center for what-if questions.

``scenario`` reads a TOML scenario into dataclasses, ``engine.simulate`` runs replications
(the compiled loop is in ``_core``), ``results`` tallies them with confidence intervals.
"""
