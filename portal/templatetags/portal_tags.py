from django import template

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
