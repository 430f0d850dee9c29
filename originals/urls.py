from django.urls import path

from originals import views

app_name = "originals"

urlpatterns = [
    path("<int:pk>/trang-thai/", views.status, name="status"),
    path("<int:pk>/doc-lai/", views.reread, name="reread"),
    path("<int:pk>/pdf-tim-kiem-duoc/", views.searchable_pdf, name="searchable_pdf"),
]
