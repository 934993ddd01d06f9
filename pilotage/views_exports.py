from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def export(request, dataset, fmt):  # replaced by the exports (issue 14)
    raise Http404
