"""Users, organisations, departments, roles, tokens and the current-user dependencies."""
