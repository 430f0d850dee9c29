from django.urls import path

from dashboards import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("bao-cao.pdf", views.export_pdf, name="export_pdf"),
    path("bao-cao.docx", views.export_docx, name="export_docx"),
    path("bao-cao.xlsx", views.export_xlsx, name="export_xlsx"),
]
