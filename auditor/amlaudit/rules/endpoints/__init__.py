"""Azure ML inference endpoint rules: online, batch and serverless endpoints and deployments."""
