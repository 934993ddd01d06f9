"""The home dashboard is made of panels, one or more per role.

Each app registers its own panels (in its AppConfig.ready), so the core never imports
the apps built on it: a user with several roles sees the panels of each.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .permissions import ROLE_LABELS, user_roles


@dataclass(frozen=True)
class Panel:
    role: str
    template: str
    context: Callable
    order: int


_panels: list[Panel] = []


def register_panel(role: str, template: str, order: int = 100):
    def decorator(func):
        _panels.append(Panel(role=role, template=template, context=func, order=order))
        return func

    return decorator


def panels_for(request) -> list[dict]:
    sections = []
    for role in user_roles(request.user):
        panels = sorted((p for p in _panels if p.role == role), key=lambda p: p.order)
        rendered = [{"template": p.template, **p.context(request)} for p in panels]
        if rendered:
            sections.append({"role": role, "label": ROLE_LABELS[role], "panels": rendered})
    return sections
