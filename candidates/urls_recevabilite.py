from django.urls import path

from .views import recevabilite

urlpatterns = [
    path(
        "recevabilite/<int:pk>/",
        recevabilite.recevabilite_review,
        name="recevabilite_review",
    ),
]
