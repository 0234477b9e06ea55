"""AKS rules: managed clusters attached to ML workspaces as inference or training compute."""
