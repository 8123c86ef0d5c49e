"""Template filters of the public site."""

from django import template

from argmap.models import web_url as web_url_of

register = template.Library()


@register.filter
def web_url(url: str | None) -> str:
    """The address if it is http(s), else empty: only these are rendered as links
    (auto-escaping does not stop a `javascript:` href)."""
    return web_url_of(url)
