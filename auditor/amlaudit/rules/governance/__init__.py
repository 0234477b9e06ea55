"""Logging and governance rules: diagnostic settings, the subscription activity log, Defender
for Cloud plans, security contacts and Azure Policy assignments covering ML workspaces."""
