from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email_notifications"]
        labels = {"email_notifications": _("Nhận thư điện tử nhắc việc")}
        help_texts = {
            "email_notifications": _(
                "Thông báo trong cổng (biểu tượng chuông) luôn được hiển thị; "
                "mục này chỉ bật hoặc tắt thư gửi tới địa chỉ thư điện tử của bạn."
            ),
        }
