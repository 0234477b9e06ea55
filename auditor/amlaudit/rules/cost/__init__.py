"""Cost guardrails: budgets over ML workspaces and start/stop schedules on compute instances."""
