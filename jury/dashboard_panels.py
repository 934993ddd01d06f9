"""The jury's dashboard panel: the sessions I sit on, with their progress (imported by
JuryConfig.ready). One query, annotated with the counts, whatever the number of sessions.
"""

from cqp.dashboard import register_panel
from cqp.models import PlatformRole

from . import selectors

PANEL_SIZE = 10


# Before the core's placeholder panel for the jury (order 10).
@register_panel(PlatformRole.JURY, "jury/panels/sessions.html", order=5)
def sessions_panel(request):
    return {"sessions": list(selectors.session_list(user=request.user)[:PANEL_SIZE])}


# The dossiers waiting for a session: a count linking to the instruction page.
@register_panel(PlatformRole.SECRETARIAT, "jury/panels/instruction.html", order=25)
def instruction_panel(request):
    return {"waiting": selectors.awaiting_session().count()}
