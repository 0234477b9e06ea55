"""Key Vault: the workspace vault and the vault holding its customer-managed key."""
