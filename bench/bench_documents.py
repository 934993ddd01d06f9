"""Time the rendering of the heaviest official PDFs and record the figures in docs/BENCHMARKS.md.

    .venv/bin/python bench/bench_documents.py [--runs N] [--output PATH]

Needs a migrated PostgreSQL database (DATABASE_URL). Without one, the script runs itself
again through bench/run.sh, which starts a throw-away cluster and migrates it.

Measured, as `cqp.documents.render_pdf` (context queries, template, WeasyPrint layout and
PDF writing), median of N runs after one warm-up run:
- `dossier_evaluation`: a complete dossier de suivi et d'évaluation over the real
  référentiel (6 competences, 45 elements), an account per competence, 10 observations,
  2 evidence files per competence, both opinions, joint results and signatures;
- `proces_verbal`: a closed session of 200 decided candidacies (decisions per
  competence, validations, certificates and attestations).

The data is bulk-created inside a transaction that is rolled back at the end: the
database is left as it was found. Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"dossier_evaluation": 1.5, "proces_verbal": 10.0}  # seconds, on a 2-core machine
PV_CANDIDACIES = 200
START, END = "<!-- bench_documents:start -->", "<!-- bench_documents:end -->"


def _postgres_configured() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


if not _postgres_configured():
    print("DATABASE_URL names no PostgreSQL database: running through bench/run.sh")
    run = str(ROOT / "bench" / "run.sh")
    os.execv("/bin/bash", ["/bin/bash", run, *sys.argv[1:]])  # noqa: S606 (our own script)

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cqp.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from candidates.models import Candidacy, Candidate, CompetenceValidation  # noqa: E402
from cqp import documents  # noqa: E402
from cqp.models import Certification, Organisation, User  # noqa: E402
from evaluations.models import (  # noqa: E402
    CandidateAccount,
    CompetenceAssessment,
    EvaluationDossier,
    Evidence,
    Observation,
)
from tests.factories import valid_siret  # noqa: E402

ACCOUNT = (
    "Dans mon poste d'assistante de formation au sein de l'organisme, je prépare chaque "
    "semaine les sessions inter-entreprises : je vérifie les conventions signées, je réserve "
    "les salles et le matériel, j'envoie les convocations et les livrets d'accueil aux "
    "stagiaires, puis je m'assure que le formateur dispose des supports à jour.\n\n"
    "Lorsqu'un financeur (OPCO, France Travail) demande une pièce complémentaire, je reprends "
    "le dossier, j'identifie l'écart et je propose une solution à la responsable "
    "pédagogique. En fin de session, je contrôle les feuilles d'émargement, j'édite les "
    "attestations de fin de formation et j'archive le dossier selon la procédure qualité "
    "(Qualiopi, indicateurs 1 à 3). J'ai par exemple traité en mars un décalage de planning "
    "dû à l'absence d'un formateur : j'ai prévenu les douze apprenants, reprogrammé la "
    "journée et mis à jour la base de données sans perte d'heures financées."
)
OBSERVED = (
    "La candidate accueille un groupe de dix stagiaires : vérification de l'émargement, "
    "rappel des consignes de sécurité, remise des supports. Elle répond avec calme à un "
    "stagiaire dont le financement n'est pas confirmé, note la question et promet un retour "
    "dans la journée, ce qu'elle fait à 14 h après appel du financeur."
)
COMMENT = (
    "Les éléments observés et le récit concordent ; les pièces jointes attestent d'une "
    "pratique régulière et autonome."
)


def _users(prefix: str, names: list[tuple[str, str]], **fields) -> list[User]:
    return User.objects.bulk_create(
        User(
            email=f"{prefix}{i}@bench.exemple.fr",
            first_name=first,
            last_name=last,
            password=make_password(None),  # unusable: nobody logs in
            **fields,
        )
        for i, (first, last) in enumerate(names)
    )


FIRST = ["Anaïs", "Benoît", "Chloé", "Désiré", "Élodie", "François", "Gaëlle", "Hélène", "Loïc"]
LAST = ["Lefèvre", "Garçon", "Mercier", "Dupré", "Bœuf", "Noël", "Thérond", "Crémieux"]


def _name(i: int) -> tuple[str, str]:
    return FIRST[i % len(FIRST)], f"{LAST[i % len(LAST)]}-{i:03d}"


def build_dossier(certification) -> EvaluationDossier:
    """One complete, transmitted dossier de suivi et d'évaluation."""
    now = timezone.now()
    organisation = Organisation.objects.create(
        name="Formapro Rhône-Alpes", kind="organisme_formation", siret=valid_siret(1), city="Lyon"
    )
    candidate_user, professionnel, evaluateur = _users(
        "dossier", [("Anaïs", "Lefèvre"), ("Benoît", "Mercier"), ("Hélène", "Garçon")]
    )
    candidacy = Candidacy.objects.create(
        candidate=Candidate.objects.create(user=candidate_user),
        certification=certification,
        organisation=organisation,
        pathway="parcours",
        state="jury",
        professionnel=professionnel,
        evaluateur=evaluateur,
        created_by=candidate_user,
    )
    dossier = EvaluationDossier.objects.create(
        candidacy=candidacy, cycle=1, transmitted_at=now, transmitted_by=evaluateur
    )
    competences = list(certification.competences.order_by("number"))
    dossier.competences.set(competences)
    CandidateAccount.objects.bulk_create(
        CandidateAccount(dossier=dossier, competence=c, text=ACCOUNT) for c in competences
    )
    Evidence.objects.bulk_create(
        Evidence(
            dossier=dossier,
            competence=c,
            file=f"evidence/{candidacy.pk}/{c.number}-{n}.pdf",
            original_name=f"{c.code}-piece-{n}.pdf",
            content_type="application/pdf",
            size=120_000,
            sha256="0" * 64,
            uploaded_by=candidate_user,
        )
        for c in competences
        for n in (1, 2)
    )
    Observation.objects.bulk_create(
        Observation(
            dossier=dossier,
            kind="observee" if i % 2 else "analysee",
            competence=competences[i % len(competences)] if i < 8 else None,
            date=now.date() - datetime.timedelta(days=30 - i),
            context=f"Session inter-entreprises n° {i + 1}, accueil et suivi administratif",
            observed=OBSERVED,
            author=professionnel if i % 2 else evaluateur,
        )
        for i in range(10)
    )
    CompetenceAssessment.objects.bulk_create(
        CompetenceAssessment(
            dossier=dossier,
            competence=c,
            professionnel_opinion="acquise",
            professionnel_comment=COMMENT,
            professionnel_opinion_at=now,
            evaluateur_opinion="acquise",
            evaluateur_comment=COMMENT,
            evaluateur_opinion_at=now,
            final_result="acquise",
            final_comment=COMMENT,
            professionnel_signed_by=professionnel,
            professionnel_signed_name=professionnel.get_full_name(),
            professionnel_signed_at=now,
            evaluateur_signed_by=evaluateur,
            evaluateur_signed_name=evaluateur.get_full_name(),
            evaluateur_signed_at=now,
        )
        for c in competences
    )
    return dossier


def build_session(certification):
    """A closed jury session of PV_CANDIDACIES decided candidacies."""
    from jury.models import (
        Certificate,
        CompetenceDecision,
        Deliberation,
        JuryMember,
        JurySession,
        Seat,
    )

    now = timezone.now()
    today = timezone.localdate()
    [secretariat] = _users("secretariat", [("Sylvie", "Roché")], platform_role="secretariat")
    member_users = _users("jury", [_name(900 + i) for i in range(4)], platform_role="jury")
    members = JuryMember.objects.bulk_create(
        JuryMember(user=u, college="employeurs" if i < 2 else "salaries")
        for i, u in enumerate(member_users)
    )
    session = JurySession.objects.create(
        date=today,
        start_time=datetime.time(9, 30),
        place="CPEF, salle du conseil",
        state="closed",
        president=members[0],
        created_by=secretariat,
        opened_at=now,
        closed_at=now,
    )
    Seat.objects.bulk_create(Seat(session=session, member=m, present=True) for m in members)
    organisations = [
        Organisation.objects.create(
            name=f"Organisme de formation n° {i}",
            kind="organisme_formation",
            siret=valid_siret(10 + i),
        )
        for i in range(8)
    ]
    users = _users("pv", [_name(i) for i in range(PV_CANDIDACIES)])
    candidates = Candidate.objects.bulk_create(Candidate(user=u) for u in users)
    outcomes = ["certifie"] * 150 + ["partiel"] * 35 + ["non_certifie"] * 15
    candidacies = Candidacy.objects.bulk_create(
        Candidacy(
            candidate=c,
            certification=certification,
            organisation=organisations[i % len(organisations)],
            pathway="vae" if i % 5 == 0 else "parcours",
            state=outcomes[i],
            created_by=c.user,
        )
        for i, c in enumerate(candidates)
    )
    deliberations = Deliberation.objects.bulk_create(
        Deliberation(
            session=session,
            candidacy=candidacy,
            conform=True,
            outcome=outcomes[i],
            motivation="Décision conforme aux résultats de l'évaluation.",
            decided_at=now,
            decided_by=member_users[0],
        )
        for i, candidacy in enumerate(candidacies)
    )
    competences = list(certification.competences.order_by("number"))
    validated = {
        "certifie": len(competences),
        "partiel": len(competences) // 2,
        "non_certifie": 0,
    }
    decisions, validations, owners = [], [], []
    for i, deliberation in enumerate(deliberations):
        for n, competence in enumerate(competences):
            ok = n < validated[outcomes[i]]
            decisions.append(
                CompetenceDecision(
                    deliberation=deliberation,
                    competence=competence,
                    decision="validee" if ok else "non_validee",
                    motivation="" if ok else "Éléments insuffisants sur cette compétence.",
                )
            )
            if ok:
                validations.append(
                    CompetenceValidation(
                        candidate=candidates[i],
                        competence=competence,
                        validated_on=today,
                        valid_until=datetime.date(today.year + 5, today.month, min(today.day, 28)),
                    )
                )
                owners.append(deliberation)
    CompetenceDecision.objects.bulk_create(decisions)
    validations = CompetenceValidation.objects.bulk_create(validations)
    Deliberation.validations.through.objects.bulk_create(
        Deliberation.validations.through(deliberation=d, competencevalidation=v)
        for d, v in zip(owners, validations, strict=True)
    )
    Certificate.objects.bulk_create(
        Certificate(
            deliberation=d,
            kind="certificat" if d.outcome == "certifie" else "attestation",
            issued_on=today,
            # bulk_create skips save(): what it copies from the deliberation.
            session_id=d.session_id,
            organisation_id=d.candidacy.organisation_id,
        )
        for d in deliberations
        if d.outcome in ("certifie", "partiel")
    )
    return session


def measure(code: str, obj, runs: int) -> dict:
    kind = documents.get_kind(code)
    _pdf, pages = documents.render_pdf(kind, obj)  # warm-up: imports, fonts, template cache
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        pdf, pages = documents.render_pdf(kind, obj)
        timings.append(time.perf_counter() - start)
    return {
        "code": code,
        "pages": pages,
        "size": len(pdf),
        "median": statistics.median(timings),
        "min": min(timings),
        "max": max(timings),
        "runs": runs,
        "target": TARGETS[code],
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "inconnu"


def _row(result: dict, data: str) -> str:
    met = "yes" if result["median"] <= result["target"] else "**no**"
    return (
        f"| `{result['code']}` | {data} | {result['pages']} | {result['size'] // 1024} Kio "
        f"| **{result['median']:.2f} s** | {result['min']:.2f} – {result['max']:.2f} s "
        f"| {result['runs']} | ≤ {result['target']:g} s | {met} |"
    )


def report(results: dict, runs: int, load: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    data = {
        "dossier_evaluation": (
            "6 competences, 45 elements, 6 accounts, 10 observations, 12 evidence files, "
            "both opinions, joint results and signatures"
        ),
        "proces_verbal": f"closed session, {PV_CANDIDACIES} decided candidacies",
    }
    lines = [
        START,
        "## Official documents",
        "",
        "Rendering time of the heaviest official PDFs (`cqp.documents.render_pdf`: context",
        "queries, template, WeasyPrint layout and PDF writing). Written by",
        "`bench/bench_documents.py`; run it again with `bench/run.sh` (a throw-away PostgreSQL),",
        "or `.venv/bin/python bench/bench_documents.py` with `DATABASE_URL` set.",
        "",
        f"- Date: {timezone.localtime():%Y-%m-%d %H:%M %Z}",
        f"- Machine: {os.cpu_count()} CPU ({_cpu_model()}), {platform.system()} "
        f"{platform.release()} {platform.machine()}",
        f"- Python {platform.python_version()}, Django {django.get_version()}, "
        f"WeasyPrint {version('weasyprint')}, pydyf {version('pydyf')}, PostgreSQL {postgres}",
        f"- Method: one warm-up run, then the median of {runs} runs; one process, one thread.",
        f"- Load average when the run started (1, 5, 15 min): {load}; other processes on",
        "  the machine slow the figures down.",
        "- Targets (on a 2-core machine): dossier de suivi et d'évaluation ≤ 1.5 s,",
        f"  procès-verbal of a session of {PV_CANDIDACIES} candidacies ≤ 10 s.",
        "",
        "| Document | Data | Pages | Size | Median | Min – max | Runs | Target | Met |",
        "| --- | --- | ---: | ---: | ---: | --- | ---: | --- | --- |",
    ]
    lines += [_row(result, data[code]) for code, result in results.items()]
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace this benchmark's section of the file, keeping the others (the pages)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1].lstrip("\n")
    else:
        text = "# Benchmarks\n\n" + section + "\n" + text.removeprefix("# Benchmarks\n")
    path.write_text(text, encoding="utf-8")


class _Rollback(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs after the warm-up")
    parser.add_argument("--output", default=str(ROOT / "docs" / "BENCHMARKS.md"))
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("error: the benchmark needs PostgreSQL (DATABASE_URL)", file=sys.stderr)
        return 2
    certification = Certification.objects.filter(code="CQP-AF").first()
    if certification is None:
        print("error: référentiel CQP-AF missing: run manage.py migrate", file=sys.stderr)
        return 2
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    results = {}
    try:
        with transaction.atomic():
            start = time.perf_counter()
            dossier = build_dossier(certification)
            print(f"dossier built in {time.perf_counter() - start:.2f} s; rendering…")
            results["dossier_evaluation"] = measure("dossier_evaluation", dossier, args.runs)
            start = time.perf_counter()
            session = build_session(certification)
            print(f"session built in {time.perf_counter() - start:.2f} s; rendering…")
            results["proces_verbal"] = measure("proces_verbal", session, args.runs)
            raise _Rollback
    except _Rollback:
        pass
    text = report(results, args.runs, load)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    write_section(Path(args.output), text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
