"""Run every task of the celery beat schedule once, now, in this process.

For the demo (no Redis, no beat) and for operators who want the reminders without
waiting for their hour: `manage.py run_periodic_tasks`.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from cqp.celery import app


class Command(BaseCommand):
    help = "Exécute maintenant chaque tâche périodique (rappels, renvoi des e-mails en échec)."

    def handle(self, *args, **options):
        app.loader.import_default_modules()
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            result = app.tasks[entry["task"]].apply()
            self.stdout.write(f"{name}: {result.get()}")
