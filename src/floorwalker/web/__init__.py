"""Web shell: app factory, authentication and CSRF plumbing, base templates, static assets."""
