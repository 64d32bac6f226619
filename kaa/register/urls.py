from django.urls import path

from . import views

app_name = "register"
urlpatterns = [
    path("youths/", views.youth_list, name="youth_list"),
    path("youths/<int:pk>/", views.youth_detail, name="youth_detail"),
]
