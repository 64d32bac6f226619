from django.urls import path

from . import views

app_name = "retention"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:municipality_id>/<slug:kind>/", views.rule_edit, name="rule_edit"),
]
