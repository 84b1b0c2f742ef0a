"""The web side of Shiplog: app factory, customer portal, staff hub, API and webhooks."""
