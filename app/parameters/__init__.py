"""Rules and parameters (规则与参数): every number the service applies, with its source, and the
city's dated changes of its own policy settings (issue 15)."""
