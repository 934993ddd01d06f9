from django.urls import path

from . import views_exports, views_stats

urlpatterns = [
    path("pilotage/", views_stats.pilotage, name="pilotage"),
    path("exports/<slug:dataset>.<slug:fmt>", views_exports.export, name="export"),
]
