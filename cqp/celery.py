import os

from celery import Celery, signals

from . import seal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cqp.settings")

app = Celery("cqp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def _seal_ready(**kwargs):
    """The worker stores the sealed documents: it does not start unable to seal them. (Celery
    logs and ignores an exception from a signal handler; SystemExit stops the worker.)"""
    try:
        seal.ensure_ready()
    except seal.SealUnavailable as error:
        raise SystemExit(f"The worker cannot start: {error}") from error
