"""Pages for people (Jinja2); they call the same service functions as the API."""
