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
urlpatterns += [
    path("follow-up/pdf/", views.follow_up_pdf, name="follow_up_pdf"),
    path("follow-up/xlsx/", views.follow_up_xlsx, name="follow_up_xlsx"),
    path("follow-up/goals/<int:year>/", views.follow_up_goals, name="follow_up_goals"),
]

# Board reports (issue 13, item 5) and the region's combined view (item 10).
from . import board_views, region_views  # noqa: E402

urlpatterns += [
    path("board/", board_views.board_report, name="board"),
    path("board/download/<str:file_format>/", board_views.board_download, name="board_download"),
    path("board/files/<int:report_pk>/<str:file_format>/", board_views.board_file, name="board_file"),
    path("region/", region_views.region_view, name="region"),
]
