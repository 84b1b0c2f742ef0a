"""Shiplog core: the order model, the append-only event log and the services that write them.

Nothing in this package imports Flask, Dash, flask-mail or twilio.
"""
