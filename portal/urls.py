from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import PortalAuthenticationForm
from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico on their own (a PDF opened in a tab, for one): answer with the logo.
    path("favicon.ico", views.favicon),
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
    path("", include("imports.urls")),
    path("api/v1/", include("api.urls")),
    path("co-quan/", include("agencies.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("quy-che/", include("regulations.urls")),
    path("hoi-nghi/", include("meetings.urls")),
    path("tong-quan/", include("dashboards.urls")),
    path("ky-so/", include("signing.urls")),
    path("nhat-ky/", include("audit.urls")),
    path("tai-khoan/", include("accounts.urls")),
    path("quan-tri/", admin.site.urls),
]

handler404 = "portal.views.not_found"
handler403 = "portal.views.forbidden"
handler500 = "portal.views.server_error"
