"""Live collection: read-only ARM GETs that turn an Azure estate into a snapshot envelope.

Nothing in this package imports `azure.*` at module level: offline scans, `--help` and
`--version` never pay for (or depend on) the Azure SDK. The SDK is imported when a collection
actually starts (`arm.py`, `credentials.py`).
"""
