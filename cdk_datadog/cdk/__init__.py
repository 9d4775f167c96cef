"""The CDK front end: constructs that read functions from the tree and apply the engine's plans."""
