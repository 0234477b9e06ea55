"""The ML lifecycle: Event Grid audit events, model monitoring, model provenance and legacy v1
web services and datastores."""
