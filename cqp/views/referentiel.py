from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import selectors


@login_required
def certification_list(request):
    return render(
        request, "cqp/certification_list.html", {"certifications": selectors.certification_list()}
    )


@login_required
def certification_detail(request, code):
    return render(
        request,
        "cqp/certification_detail.html",
        {"certification": selectors.certification_get(code=code)},
    )
