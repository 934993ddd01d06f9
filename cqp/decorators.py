from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from .permissions import is_secretariat


def secretariat_required(view):
    """Secretariat-only pages do not exist for anybody else (404, nothing leaks)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_secretariat(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
