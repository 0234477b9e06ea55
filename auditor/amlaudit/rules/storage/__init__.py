"""Storage: the workspace default storage account and every datastore target in the snapshot."""
