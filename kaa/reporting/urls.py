from django.urls import path

from . import leadtimes_views, results_views, views, wheel_views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/download/", views.statistics_download, name="statistics_download"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("resource-plan/", views.resource_plan, name="resource_plan"),
    path("codes/", views.code_list, name="code_list"),
    path("codes/new/", views.code_new, name="code_new"),
    path("codes/<int:code_pk>/", views.code_edit, name="code_edit"),
    path("lead-times/waiting/", leadtimes_views.waiting, name="lead_times_waiting"),
    path("results/", results_views.results_page, name="results"),
    path("results/download/", results_views.results_download, name="results_download"),
    path("wheel/", wheel_views.calendar_page, name="wheel"),
    path("wheel/tasks/", wheel_views.task_list, name="wheel_tasks"),
    path("wheel/tasks/new/", wheel_views.task_new, name="wheel_task_new"),
    path("wheel/tasks/<int:task_pk>/", wheel_views.task_edit, name="wheel_task_edit"),
    path("wheel/tasks/<int:task_pk>/done/", wheel_views.done, name="wheel_done"),
]
