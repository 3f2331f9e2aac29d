"""Authentication and roles: users, sessions, API tokens, scope and the audit log."""
