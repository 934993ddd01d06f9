"""The project's URLs plus `/bench/trivial/`: a logged-in user, the full middleware and a
fixed body, the ceiling the pages' throughput is compared with. Served only under
bench.settings."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("cqp.urls")),
]
