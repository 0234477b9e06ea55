"""Azure ML registries (`Microsoft.MachineLearningServices/registries`): network exposure and logs."""
