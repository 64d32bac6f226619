from django.urls import path

from . import oidc, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("otp/", views.otp_verify, name="otp"),
    path("sso/", oidc.LoginRequestView.as_view(), name="oidc_login"),
    path("sso/callback/", oidc.CallbackView.as_view(), name="oidc_callback"),
    path("access/", views.my_access, name="my_access"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
