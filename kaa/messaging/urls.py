from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("letters/templates/", views.template_list, name="template_list"),
    path("letters/templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("letters/templates/<int:pk>/preview/", views.template_preview, name="template_preview"),
    path("letters/print/", views.print_letters, name="print_letters"),
    path("letters/batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("letters/batches/<int:pk>/pdf/", views.batch_pdf, name="batch_pdf"),
    path("messages/youths/<int:pk>/", views.compose, name="compose"),
    path("messages/youths/<int:pk>/letter/", views.letter_single, name="letter_single"),
    path("svar/", views.reply_start, name="reply_start"),
    path("svar/tack/", views.reply_thanks, name="reply_thanks"),
    path("svar/<str:code>/", views.reply, name="reply"),
]
