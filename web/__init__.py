"""The web base: what every feature (portal, notifications, dashboard) needs of Flask, and nothing of theirs.

The app factory, configuration, the Shop bound to the app, Flask extensions, staff sign-in state,
problem+json and error pages, security headers, signed tokens, page-or-block rendering and the page
shell. Features import from here; this package imports no feature (see the import-linter contracts
in pyproject.toml).
"""
