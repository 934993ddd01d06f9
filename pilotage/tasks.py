from celery import shared_task

from . import figures


@shared_task
def warm_pilotage() -> int:
    """Compute the secretariat's default figures before anyone opens /pilotage/."""
    return figures.warm()
