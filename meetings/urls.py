from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("tao-moi/", views.meeting_edit, name="create"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/sua/", views.meeting_edit, name="edit"),
    path("<int:pk>/trang-thai/", views.meeting_state, name="state"),
    path("<int:pk>/xoa/", views.meeting_delete, name="delete"),
    path("<int:pk>/lich.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/van-ban/<str:doc_type>/soan/", views.document_edit, name="document_edit"),
    path("<int:pk>/van-ban/<str:doc_type>/in/", views.document_print, name="document_print"),
    path("van-ban/", views.document_register, name="register"),
    path("van-ban/<int:doc_pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("van-ban/<int:doc_pk>/word/", views.document_docx, name="document_docx"),
    path("van-ban/<int:doc_pk>/sua/", views.document_update, name="document_update"),
    path("van-ban/<int:doc_pk>/ban-hanh/", views.document_finalise, name="document_finalise"),
    path("van-ban/<int:doc_pk>/dinh-chinh/", views.document_correct, name="document_correct"),
    path("nhiem-vu/", views.directive_list, name="directives"),
    path("nhiem-vu/<int:pk>/hoan-thanh/", views.directive_done, name="directive_done"),
    path("lich/", views.calendar_view, name="calendar"),
    path("lich/dang-ky/", views.feed_settings, name="feed_settings"),
    path("lich/<str:token>.ics", views.feed, name="feed"),
]
