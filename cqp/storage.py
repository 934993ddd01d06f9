"""Where the uploaded and generated files are kept, chosen by configuration (README « Media
storage »): files under MEDIA_ROOT (`local`, the default: one server, or a volume that every
web server and worker mounts) or an S3-compatible object store (`s3`, through django-storages).

The application reads and writes them through Django's storage API only (`field.open()`,
`field.save()`, `storage.delete()`), never by path, so either serves; and it never hands out
a URL to them: every download goes through a view that checks the user's right and records
it in the download log.
"""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

LOCAL = "local"
S3 = "s3"
# A file read back from the store (a download, an entry of a ZIP) spills to disk past this.
S3_MEMORY_BYTES = 2 * 1024 * 1024


def media_storage_kind(environ: Mapping[str, str]) -> str:
    kind = environ.get("MEDIA_STORAGE", LOCAL).strip().lower() or LOCAL
    if kind not in (LOCAL, S3):
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, got {kind!r}.")
    return kind


def media_storage(environ: Mapping[str, str]) -> dict:
    """The `default` entry of STORAGES, from the environment; fails loudly when incomplete."""
    if media_storage_kind(environ) == LOCAL:
        # Its location is MEDIA_ROOT, read when first used.
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE is s3: set AWS_STORAGE_BUCKET_NAME.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Empty: Amazon S3 itself; else the store's address (MinIO, Garage, Scaleway, OVH…).
            "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("AWS_S3_REGION_NAME") or None,
            # Unset: boto3's own chain (its configuration files, an instance role…).
            "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
            # A prefix inside the bucket, so that one bucket can serve several instances.
            "location": environ.get("AWS_LOCATION", "").strip("/"),
            # Private objects. AWS_DEFAULT_ACL= (empty) sends no ACL at all, for the buckets
            # that refuse them (S3 Object Ownership « bucket owner enforced »): they are
            # private by default.
            "default_acl": environ.get("AWS_DEFAULT_ACL", "private") or None,
            # Were a URL ever made, it would be signed (Signature Version 4, which every
            # S3-compatible store takes) and expire within a minute.
            "querystring_auth": True,
            "querystring_expire": 60,
            "signature_version": "s3v4",
            # As with local files: a name already taken gets a suffix, nothing is replaced.
            "file_overwrite": False,
            "max_memory_size": S3_MEMORY_BYTES,
        },
    }
