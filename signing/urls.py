from django.urls import path

from signing import views

app_name = "signing"

urlpatterns = [
    path("kiem-tra/", views.verify, name="verify"),
    path("xac-thuc/<str:code>/", views.code, name="code"),
    path("cau-hinh/", views.config, name="config"),
    path("cau-hinh/khoa/", views.key_edit, name="key_edit"),
    path("cau-hinh/chung-thu-goc/them/", views.root_add, name="root_add"),
    path("cau-hinh/chung-thu-goc/bo/", views.root_delete, name="root_delete"),
]
