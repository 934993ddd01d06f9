import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cqp.settings")

application = get_wsgi_application()

# gunicorn runs no system check: a server that could not seal its documents does not start.
from cqp import seal  # noqa: E402 -- needs the settings and apps loaded above

seal.ensure_ready()
