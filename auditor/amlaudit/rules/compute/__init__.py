"""Azure ML compute rules (`workspaces/computes`): compute instances and compute clusters.

Type-specific settings sit double-nested at `properties.properties.*`. Attached computes
(AKS, Kubernetes, Databricks, HDInsight, VMs, Synapse Spark) are configured on the resource
they attach, so these rules skip them with a reason.
"""
