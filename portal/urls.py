from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico on their own (a PDF opened in a tab, for one): answer with the logo.
    path("favicon.ico", views.favicon),
    path("", include("accounts.auth_urls")),
    path("", include("imports.urls")),
    path("api/v1/", include("api.urls")),
    path("co-quan/", include("agencies.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("quy-che/", include("regulations.urls")),
    path("quy-che/ban-goc/", include("originals.urls")),
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
