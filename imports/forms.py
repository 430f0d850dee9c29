from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from imports.columns import COLUMNS, DEFAULT_LABELS, DEFAULTS


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx) hoặc CSV"),
        help_text=_(
            "Tệp mẫu hoặc sổ theo dõi của đơn vị (cổng tự tìm dòng tiêu đề và hỏi khi cần ghép cột). "
            "Chữ theo bảng mã cũ (Windows-1258, TCVN3, VNI) được chuyển sang Unicode."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
        error_messages={"required": _("Hãy chọn tệp cần nhập."), "empty": _("Tệp rỗng.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv", ".txt")):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        return upload


class MappingForm(forms.Form):
    """The mapping step: which sheet is the register, and which column of the file holds each field."""

    def __init__(self, layout: dict, unit_label: str = "", data: dict | None = None) -> None:
        super().__init__(data)
        self.layout = layout
        if layout.get("sheets"):
            self.fields["sheet"] = forms.ChoiceField(
                label=_("Trang nào là sổ cần nhập?"),
                choices=[(name, name) for name in layout["sheets"]],
                help_text=_("Tệp có nhiều trang giống sổ theo dõi; chọn một trang."),
            )
            return
        mapping = layout.get("mapping", {})
        columns = [
            (str(c["index"]), f"{c['header']}" + (f" — ví dụ: {'; '.join(c['samples'])}" if c["samples"] else ""))
            for c in layout.get("columns", [])
        ]
        for column in COLUMNS[layout["kind"]]:
            choices: list[tuple[str, str]] = [("", "— Không có cột này —")]
            default = DEFAULTS.get(column.key)
            if default and (default != "@unit" or unit_label):
                label = DEFAULT_LABELS[default].replace("Đơn vị của tôi", f"Đơn vị của tôi: {unit_label}")
                choices.append((default, f"— {label} —"))
            current = mapping.get(column.key)
            self.fields[f"col_{column.key}"] = forms.ChoiceField(
                label=column.header,
                choices=choices + columns,
                required=column.required,
                initial="" if current is None else str(current),
                error_messages={"required": _("Hãy chọn cột chứa trường bắt buộc này.")},
            )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        used: dict[str, str] = {}
        for name, value in list(cleaned.items()):
            if name.startswith("col_") and value and not value.startswith("@"):
                if value in used:
                    self.add_error(name, _("Cột này đã được chọn cho “%s”.") % self.fields[used[value]].label)
                used[value] = name
        return cleaned

    def mapping(self) -> dict[str, int | str]:
        out: dict[str, int | str] = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("col_") and value:
                out[name[4:]] = value if value.startswith("@") else int(value)
        return out


class EncodingForm(forms.Form):
    """When two readings of some cells both make sense, the user picks one from side-by-side samples."""

    def __init__(self, question: dict, data: dict | None = None) -> None:
        super().__init__(data)
        self.fields["encoding"] = forms.ChoiceField(
            label=_("Các ô này được gõ theo bảng mã nào?"),
            choices=[(o["value"], o["label"]) for o in question["options"]],
            widget=forms.RadioSelect,
            error_messages={"required": _("Hãy chọn một cách đọc.")},
        )
