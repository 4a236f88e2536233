"""Infrastructure every domain stands on: settings, database, errors, clock, HTTP hygiene."""
