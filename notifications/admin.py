from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from notifications import delivery
from notifications.models import Notification, Reminder, ScanRun


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The outbox: every reminder e-mail with its state, attempts and last error."""

    list_display = (
        "id",
        "kind",
        "subject_number",
        "stage",
        "due_on",
        "recipient",
        "status",
        "attempts",
        "short_error",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("subject_number", "subject_title", "recipient__username", "recipient__full_name")
    list_select_related = ("recipient",)
    readonly_fields = [f.name for f in Reminder._meta.fields]
    actions = ["resend"]

    @admin.display(description=_("lỗi gần nhất"))
    def short_error(self, obj: Reminder) -> str:
        return obj.last_error[:120]

    @admin.action(description=_("Gửi lại thư đã chọn"))
    def resend(self, request, queryset) -> None:
        try:
            count = delivery.requeue(queryset.values_list("pk", flat=True))
        except delivery.BrokerUnavailable:
            self.message_user(
                request,
                _(
                    "Không gửi lại được: hàng đợi thư (Redis) không phản hồi. Các thư vẫn ở trạng "
                    "thái chờ gửi và sẽ được gửi lại tự động khi hàng đợi hoạt động."
                ),
                messages.ERROR,
            )
            return
        self.message_user(request, _("Đã đưa %(n)s thư vào hàng đợi gửi lại.") % {"n": count}, messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "title", "created_at", "read_at")
    list_filter = ("read_at",)
    search_fields = ("title", "user__username")
    list_select_related = ("user",)


@admin.register(ScanRun)
class ScanRunAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "finished_at",
        "scan_date",
        "reviews_created",
        "directives_created",
        "minutes_created",
        "resent",
        "error",
    )
    readonly_fields = [f.name for f in ScanRun._meta.fields]
