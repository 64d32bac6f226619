from django.urls import path

from . import views

app_name = "handover"
urlpatterns = [
    path("youths/<int:pk>/fraktsedel/new/", views.fraktsedel_new, name="fraktsedel_new"),
    path("youths/<int:pk>/fraktsedel/<int:fraktsedel_pk>/", views.fraktsedel_detail, name="fraktsedel_detail"),
    path("youths/<int:pk>/fraktsedel/<int:fraktsedel_pk>/pdf/", views.fraktsedel_pdf, name="fraktsedel_pdf"),
    path("youths/<int:pk>/transfer/", views.transfer_new, name="transfer_new"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/<int:transfer_pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:transfer_pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:transfer_pk>/reject/", views.transfer_reject, name="transfer_reject"),
    path("transfers/<int:transfer_pk>/revoke/", views.transfer_revoke, name="transfer_revoke"),
]
