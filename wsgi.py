"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""

import atexit
import gc

from portal.app import create_app

app = create_app()
# Everything built so far (the app, SQLAlchemy's and Dash's registries) lives as long as the
# process: keep it out of the cycle collector, whose full passes would otherwise walk it all
# again and again during big requests such as a 1000-event batch. Given back at exit, so
# shutdown still frees it (native extensions otherwise report it as leaked).
gc.freeze()
atexit.register(gc.unfreeze)
# A 1000-event request makes tens of thousands of objects that live until it ends: at the
# default threshold (700) the young generation was collected dozens of times per request,
# its survivors walked again by the older ones; about 5% of such a request, measured.
gc.set_threshold(50_000, 20, 100)
