"""Azure ML datastores and workspace connections: how they authenticate to data and services."""
