"""Identity and RBAC rules: who holds privileged roles, custom roles, orphaned principals and
the managed identities of ML endpoints."""
