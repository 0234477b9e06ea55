"""Cross-resource rules: a workspace judged together with the resources it depends on."""
