"""The public site's Content-Security-Policy (Django 5.2 has none built in).

The policy allows scripts, styles and images from the site itself only: no inline script,
no `eval`, no other origin. A view that needs another policy sets the header itself (the
embed view does, to be framed), and the middleware leaves that header alone.
"""

from django.conf import settings


def policy_header(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = policy_header(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response
