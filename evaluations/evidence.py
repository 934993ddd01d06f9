"""Evidence files: the kinds the dossier takes and how many per competence. Every file is
judged whole by `cqp.uploads.check_upload`."""

from cqp import uploads

KINDS = uploads.EVERY_KIND
MAX_FILES_PER_COMPETENCE = 10
