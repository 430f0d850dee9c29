"""Account pages of a unit's administrator: the unit's (and carried units') accounts, a new
account, changes of role, unit or state, and a new password. Scoped by ``accounts.selectors``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import selectors, services
from accounts.forms import AccountCreateForm, AccountEditForm, AccountPasswordForm
from audit.models import AuditAction
from audit.services import record
from portal import access
from portal.http import AuthenticatedHttpRequest
from portal.pagination import CappedPaginator

PAGE_SIZE = 50


def _manager(request: AuthenticatedHttpRequest) -> None:
    access.require_role(request.user, selectors.MANAGER_ROLES)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def account_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _manager(request)
    query = request.GET.get("q", "")
    page = CappedPaginator(selectors.managed_accounts(request.user, query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/list.html",
        {"page_obj": page, "q": query[:100], "can_create": selectors.assignable_units(request.user).exists()},
    )


@login_required
def account_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _manager(request)
    form = AccountCreateForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, what = services.create_account(
                request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                agency=data["agency"],
                role=data["role"],
                password=data["password1"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            record(request, AuditAction.ACCOUNT, detail=what)
            messages.success(request, f"Đã tạo tài khoản {account.username}.")
            return redirect("accounts:list")
    return render(request, "accounts/form.html", {"form": form, "title": "Tạo tài khoản"})


@login_required
def account_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = selectors.managed_account_or_404(request.user, pk)
    initial = {
        "full_name": account.full_name,
        "email": account.email,
        "agency": account.agency_id,
        "role": account.role,
        "is_active": account.is_active,
        "email_notifications": account.email_notifications,
    }
    form = AccountEditForm(request.POST or None, initial=initial, admin=request.user, account=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            what = services.update_account(
                request.user,
                account,
                full_name=data["full_name"],
                email=data["email"],
                agency=data["agency"],
                role=data["role"],
                is_active=data["is_active"],
                email_notifications=data["email_notifications"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            record(request, AuditAction.ACCOUNT, detail=what)
            messages.success(request, f"Đã lưu tài khoản {account.username}.")
            return redirect("accounts:list")
    return render(
        request, "accounts/form.html", {"form": form, "account": account, "title": f"Sửa tài khoản {account.username}"}
    )


@login_required
def account_password(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = selectors.managed_account_or_404(request.user, pk)
    own = account.pk == request.user.pk
    form = AccountPasswordForm(request.POST or None, account=account, admin=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            what = services.set_password(
                request.user,
                account,
                form.cleaned_data["password1"],
                current_password=form.cleaned_data.get("current_password"),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                _apply_errors(form, exc)
            else:
                form.add_error("password1", exc.messages)
        else:
            record(request, AuditAction.ACCOUNT, detail=what)
            if own:
                update_session_auth_hash(request, account)  # this session stays signed in
                messages.success(request, "Đã đổi mật khẩu của bạn.")
            else:
                messages.success(
                    request,
                    f"Đã đặt mật khẩu mới cho {account.username}; hãy báo cho người dùng "
                    "và đề nghị đổi mật khẩu sau lần đăng nhập đầu.",
                )
            return redirect(reverse("accounts:edit", args=[account.pk]))
    return render(request, "accounts/password.html", {"form": form, "account": account})
