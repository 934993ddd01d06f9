from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def pilotage(request):  # replaced by the statistics page (issue 14)
    raise Http404
