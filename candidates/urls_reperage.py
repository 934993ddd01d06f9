from django.urls import path

from .views import reperage

urlpatterns = [
    path("candidatures/<int:pk>/reperage/", reperage.reperage_edit, name="reperage_edit"),
    path("candidatures/<int:pk>/parcours/", reperage.plan_detail, name="plan_detail"),
    path(
        "candidatures/<int:pk>/parcours/ajouter/", reperage.plan_action_add, name="plan_action_add"
    ),
    path(
        "candidatures/<int:pk>/parcours/<int:action_pk>/",
        reperage.plan_action_edit,
        name="plan_action_edit",
    ),
    path(
        "candidatures/<int:pk>/mise-en-pratique/",
        reperage.practice_confirm,
        name="practice_confirm",
    ),
]
