from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import views

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("regulations", views.RegulationViewSet, basename="regulation")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("directives", views.DirectiveViewSet, basename="directive")

urlpatterns = [
    path("", include(router.urls)),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    # Anything else under /api/v1/ is a JSON 404 too, not the portal's HTML page (a line break in the
    # path included: "." alone does not match it).
    re_path(r"^[\s\S]*$", views.not_found),
]
