"""Signing in and out and changing one's password (at the portal's root: /dang-nhap/, /doi-mat-khau/ …)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.forms import PortalAuthenticationForm
from portal import events


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page (it asks for the current password); the owner is also told by e-mail, so a change
    made from a stolen session does not go unnoticed."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user = self.request.user
        events.publish(events.ACCOUNT_NOTICE, user=user.pk, what="đổi mật khẩu", by=str(user))
        return response


urlpatterns = [
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=PortalAuthenticationForm),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        PasswordChangeView.as_view(template_name="accounts/password_change.html"),
        name="password_change",
    ),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
]
