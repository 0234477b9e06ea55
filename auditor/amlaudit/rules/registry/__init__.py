"""Azure Container Registry rules: the registry an ML workspace builds and pulls images from."""
