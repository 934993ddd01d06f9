"""Writes of the exports: the export log, and the date each certificate was last reported."""

import datetime

from django.db import transaction
from django.utils import timezone

from jury.models import Certificate

from .models import ExportRecord


def export_start(*, user, dataset: str, fmt: str, filters: dict) -> ExportRecord:
    """Record that `user` started downloading `dataset` (its row count comes at the end)."""
    return ExportRecord.objects.create(user=user, dataset=dataset, fmt=fmt, filters=filters)


def export_finish(*, record: ExportRecord, row_count: int) -> None:
    """The file has been written to its end: its row count and the time (one UPDATE)."""
    ExportRecord.objects.filter(pk=record.pk).update(
        row_count=row_count, finished_at=timezone.now()
    )


def register_reported(
    *, record: ExportRecord, certificate_ids: list[int], day: datetime.date | None = None
) -> None:
    """The register file has been written to its end: each of its certificates was reported
    on `day` (today; one UPDATE), and the export is finished."""
    with transaction.atomic():
        Certificate.objects.filter(pk__in=certificate_ids).update(
            last_reported_on=day or timezone.localdate()
        )
        export_finish(record=record, row_count=len(certificate_ids))
