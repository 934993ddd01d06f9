"""Named actors for every role, in two organisations: `own` and `other`."""

import os
import time
import uuid

import boto3
import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation
from moto.server import ThreadedMotoServer

from cqp import seal, storage
from cqp.models import Certification, HabilitationKind, MembershipRole
from cqp.referentiel import DEFAULT_REFERENTIEL, load_referentiel_file
from jury import credentials

from .evaluations.builders import parcours_in_evaluation, vae_in_evaluation
from .factories import (
    HabilitationFactory,
    JuryFactory,
    MembershipFactory,
    OrganisationFactory,
    SecretariatFactory,
    UserFactory,
)
from .matrix import build_objects

# The moto server takes any credentials; these never reach a real store.
S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "cqp-tests",
    "AWS_SECRET_ACCESS_KEY": "cqp-tests-secret",
    "AWS_S3_REGION_NAME": "us-east-1",
}


@pytest.fixture(scope="session", autouse=True)
def _seal_keys(tmp_path_factory):
    """A throw-away seal for the session (cqp.seal), named in the environment too, so that the
    processes tests start (manage.py, a Celery worker) seal with it."""
    directory = tmp_path_factory.mktemp("seal")
    key, cert = directory / "seal-key.pem", directory / "seal-cert.pem"
    seal.create_self_signed(key, cert, common_name="Sceau de test", organisation="CPEF (tests)")
    django_settings.SEAL_KEY_FILE, django_settings.SEAL_CERT_FILE = str(key), str(cert)
    os.environ.update(SEAL_KEY_FILE=str(key), SEAL_CERT_FILE=str(cert))


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path_factory):
    # Documents and evidence written by a test stay in a throw-away directory, or under a
    # prefix of their own in the bucket when the media are on S3 (the second pass of
    # scripts/test.sh, MEDIA_STORAGE=s3).
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    if django_settings.MEDIA_STORAGE == storage.S3:
        settings.STORAGES = _with_media(storage.media_storage(os.environ | _test_prefix()))


def _test_prefix() -> dict[str, str]:
    return {"AWS_LOCATION": f"tests/{uuid.uuid4().hex}"}


def _with_media(default: dict) -> dict:
    return {**django_settings.STORAGES, "default": default}


@pytest.fixture(scope="session")
def s3_server():
    """The environment naming the S3-compatible server and bucket of the tests: the moto
    server that scripts/with-services.sh started, else (pytest run by hand) one started here,
    in this process, for the session."""
    names = ("AWS_S3_ENDPOINT_URL", "AWS_STORAGE_BUCKET_NAME")
    if all(os.environ.get(name) for name in names):
        yield {
            **S3_CREDENTIALS,
            **{name: os.environ[name] for name in (*names, *S3_CREDENTIALS) if name in os.environ},
        }
        return
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    environ = {
        "AWS_S3_ENDPOINT_URL": f"http://{host}:{port}",
        "AWS_STORAGE_BUCKET_NAME": "cqp-tests",
        **S3_CREDENTIALS,
    }
    boto3.client(
        "s3",
        endpoint_url=environ["AWS_S3_ENDPOINT_URL"],
        aws_access_key_id=environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environ["AWS_SECRET_ACCESS_KEY"],
        region_name=environ["AWS_S3_REGION_NAME"],
    ).create_bucket(Bucket=environ["AWS_STORAGE_BUCKET_NAME"])
    yield environ
    server.stop()


@pytest.fixture
def media_on_s3(settings, s3_server):
    """The media on the S3-compatible server for this test, whatever the pass, under a prefix
    of its own; the environment that configures it, for the checks made with boto3."""
    environ = {**s3_server, "MEDIA_STORAGE": storage.S3, **_test_prefix()}
    settings.STORAGES = _with_media(storage.media_storage(environ))
    return environ


@pytest.fixture(scope="session")
def credential_key_file(tmp_path_factory):
    """One signing key for the credentials per test session (the demo makes its own), named
    in the environment too, for the processes tests start."""
    path = tmp_path_factory.mktemp("keys") / "credential-key.pem"
    credentials.key_create(path)
    os.environ["CREDENTIAL_KEY_FILE"] = str(path)
    return path


@pytest.fixture(autouse=True)
def _credential_key(settings, credential_key_file):
    settings.CREDENTIAL_KEY_FILE = credential_key_file


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language: a request in English leaves English active
    in its thread (the locale middleware does not reset it), which a later test in the same
    worker would otherwise inherit."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    # Login throttling counts failures in the cache: each test starts from a clean slate,
    # in process memory so parallel workers never share counters.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Sessions as in production (cqp.settings, with Redis): read from the cache, written to
    # both. A page's queries then count no session query, with or without REDIS_URL.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # /pilotage/ computes its figures on each request in tests (a test changes the data
    # between two requests); tests/pilotage/test_figures_cache.py turns the cache on.
    settings.PILOTAGE_CACHE_SECONDS = 0
    # The production hasher is slow on purpose; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _referentiel_after_flush(request):
    """Transactional tests (live server, worker, concurrency) start from a flushed database:
    the référentiel that the data migration loaded is gone, so it is loaded again.

    pytest-django runs every non-transactional test before the transactional ones, so only
    the latter need this.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        if not Certification.objects.filter(code="CQP-AF").exists():
            load_referentiel_file(DEFAULT_REFERENTIEL)


@pytest.fixture
def own_org(db):
    return OrganisationFactory(name="Formapro Test")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Autre Organisme")


@pytest.fixture
def secretariat(db):
    return SecretariatFactory(email="secretariat@exemple.fr")


@pytest.fixture
def jury(db):
    return JuryFactory(email="jury@exemple.fr")


@pytest.fixture
def gestionnaire(own_org):
    return MembershipFactory(
        organisation=own_org, role=MembershipRole.GESTIONNAIRE, user__email="gestion@exemple.fr"
    ).user


@pytest.fixture
def candidat(own_org):
    return MembershipFactory(
        organisation=own_org, role=MembershipRole.CANDIDAT, user__email="candidat@exemple.fr"
    ).user


@pytest.fixture
def professionnel(own_org, secretariat):
    user = MembershipFactory(
        organisation=own_org, role=MembershipRole.PROFESSIONNEL, user__email="pro@exemple.fr"
    ).user
    HabilitationFactory(user=user, kind=HabilitationKind.PROFESSIONNEL, granted_by=secretariat)
    return user


@pytest.fixture
def evaluateur(secretariat):
    user = UserFactory(email="evaluateur@exemple.fr")
    HabilitationFactory(user=user, kind=HabilitationKind.EVALUATEUR, granted_by=secretariat)
    return user


@pytest.fixture
def outsider(other_org):
    """A gestionnaire of another organisation: sees nothing of `own_org`."""
    return MembershipFactory(
        organisation=other_org, role=MembershipRole.GESTIONNAIRE, user__email="autre@exemple.fr"
    ).user


@pytest.fixture
def actors(secretariat, jury, gestionnaire, candidat, professionnel, evaluateur, outsider):
    return {
        "secretariat": secretariat,
        "jury": jury,
        "gestionnaire": gestionnaire,
        "candidat": candidat,
        "professionnel": professionnel,
        "evaluateur": evaluateur,
        "outsider": outsider,
    }


@pytest.fixture
def matrix_objects(actors, own_org, other_org):
    """The objects of the authorization matrix's rows (tests/matrix.py), built on first use."""
    return build_objects(actors, own_org, other_org)


# Candidacies that entered `evaluation`, through the real services ------------------------


@pytest.fixture
def evaluators(professionnel, evaluateur):
    return {"professionnel": professionnel, "evaluateur": evaluateur}


@pytest.fixture
def parcours(candidat, own_org, secretariat, evaluators):
    """`parcours(**options)`: a parcours candidacy that entered `evaluation` (cycle 1)."""

    def build(**options):
        return parcours_in_evaluation(
            candidat, own_org, secretariat=secretariat, **evaluators, **options
        )

    return build


@pytest.fixture
def vae(candidat, own_org, secretariat, evaluators):
    """`vae(**options)`: a VAE candidacy that entered `evaluation` through its partie 3."""

    def build(**options):
        return vae_in_evaluation(
            candidat, own_org, secretariat=secretariat, **evaluators, **options
        )

    return build


@pytest.fixture(autouse=True)
def _typed_french(settings):
    # The tests compare French texts as the templates type them, with plain spaces; the
    # typography's own tests (tests/cqp/test_typography.py) ask for `french_typography`.
    settings.FRENCH_TYPOGRAPHY = False


@pytest.fixture
def french_typography(settings):
    """The product's French typography on (cqp.typography), as in production."""
    settings.FRENCH_TYPOGRAPHY = True


@pytest.fixture
def one_rate_window():
    """The clock stopped for a test that counts requests against django-ratelimit: its
    windows are fixed slices of time (a minute for the public verification), and a test
    that crossed the end of one on a busy machine saw its count start again."""
    with time_machine.travel(time.time(), tick=False):
        yield
