from django.urls import path

from agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("tim-kiem/", views.search, name="search"),
    path("goi-y/", views.autocomplete, name="autocomplete"),
    path("<int:pk>/", views.detail, name="detail"),
]
