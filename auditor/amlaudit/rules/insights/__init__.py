"""Application Insights and Log Analytics rules: where an ML workspace sends telemetry and logs."""
