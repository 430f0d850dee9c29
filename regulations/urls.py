from django.urls import path

from regulations import views

app_name = "regulations"

urlpatterns = [
    path("", views.regulation_list, name="list"),
    path("xuat-excel/", views.export_xlsx, name="export_xlsx"),
    path("xuat-csv/", views.export_csv, name="export_csv"),
    path("so-theo-doi.pdf", views.register_pdf, name="register_pdf"),
    path("so-theo-doi/tao/", views.register_job_start, name="register_job_start"),
    path("so-theo-doi/<int:pk>/", views.register_job, name="register_job"),
    path("so-theo-doi/<int:pk>/trang-thai.json", views.register_job_status, name="register_job_status"),
    path("so-theo-doi/<int:pk>/huy/", views.register_job_cancel, name="register_job_cancel"),
    path("so-theo-doi/<int:pk>/chay-lai/", views.register_job_rerun, name="register_job_rerun"),
    path("so-theo-doi/<int:pk>/tai-ve.pdf", views.register_job_file, name="register_job_file"),
    path("them/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("tep/<int:pk>/", views.download_original, name="download"),
]
