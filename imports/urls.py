from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("quy-che/nhap/", views.upload_regulations, name="regulations"),
    path("hoi-nghi/nhap/", views.upload_meetings, name="meetings"),
    path("nhap-du-lieu/mau-nhap.xlsx", views.download_template, name="template"),
    path("nhap-du-lieu/<int:pk>/", views.job_detail, name="job"),
    path("nhap-du-lieu/<int:pk>/trang-thai/", views.job_status, name="status"),
    path("nhap-du-lieu/<int:pk>/xac-nhan/", views.job_confirm, name="confirm"),
    path("nhap-du-lieu/<int:pk>/huy/", views.job_cancel, name="cancel"),
    path("nhap-du-lieu/<int:pk>/chay-lai/", views.job_rerun, name="rerun"),
    path("nhap-du-lieu/<int:pk>/ghep-cot/", views.job_mapping, name="mapping"),
]
