"""Signing in and out and changing one's password (at the portal's root: /dang-nhap/, /doi-mat-khau/ …)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.forms import PortalAuthenticationForm

urlpatterns = [
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=PortalAuthenticationForm),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(template_name="accounts/password_change.html"),
        name="password_change",
    ),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
]
