from django.urls import path

from regulations import views

app_name = "regulations"

urlpatterns = [
    path("", views.regulation_list, name="list"),
    path("xuat-excel/", views.export_xlsx, name="export_xlsx"),
    path("xuat-csv/", views.export_csv, name="export_csv"),
    path("so-theo-doi.pdf", views.register_pdf, name="register_pdf"),
    path("them/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("tep/<int:pk>/", views.download_original, name="download"),
]
