"""`amlaudit diff`: what changed between two audits of the same estate, worst first.

Two sides (snapshots or earlier JSON reports) become :class:`~amlaudit.drift.sides.Side`s; the
finding diff, the configuration diff, RBAC drift, coverage and secret notes are each computed by
their own module and gathered into one :class:`~amlaudit.drift.model.DriftReport`, which every
output format renders.
"""
