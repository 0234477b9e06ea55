"""Azure ML workspace rules."""
