"""Network rules: NSGs, subnets, private DNS and flow logs around ML workspaces."""
