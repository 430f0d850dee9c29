from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from portal.formats import group_thousands

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: dict, **changes: object) -> str:
    """The current query string with some parameters replaced (for pagination and sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params.urlencode()


@register.filter
def thousands(n: int) -> str:
    """``{{ count|thousands }}``: 50000 → "50.000"."""
    return group_thousands(n)


@register.simple_tag
def result_count(page_obj, noun: str) -> str:
    """ "37.105 văn bản", or "Hơn 10.000 văn bản" when the list stopped counting (``CappedPaginator``),
    followed by the page's notice when it is not the page asked for."""
    paginator = page_obj.paginator
    if getattr(paginator, "capped", False):
        text = _("Hơn {n} {noun}").format(n=group_thousands(paginator.cap), noun=noun)
    else:
        text = f"{group_thousands(paginator.count)} {noun}"
    notice = getattr(page_obj, "notice", "")
    if notice:
        return format_html('{} <span class="page-notice" role="status">— {}</span>', text, notice)
    return text
