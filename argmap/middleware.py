"""The site's Content-Security-Policy (Django 5.2 has none built in).

The policy allows scripts, styles and images from the site itself only: no inline script,
no `eval`, no other origin. Paths may relax a directive (settings.
CONTENT_SECURITY_POLICY_PATHS: the admin's history pages carry inline styles), and a
view that needs another policy sets the header itself (the embed view does, to be
framed); the middleware leaves such a header alone.
"""

from django.conf import settings


def policy_header(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = policy_header(settings.CONTENT_SECURITY_POLICY)
        self.by_path = [
            (prefix, policy_header({**settings.CONTENT_SECURITY_POLICY, **changes}))
            for prefix, changes in getattr(settings, "CONTENT_SECURITY_POLICY_PATHS", {}).items()
        ]

    def __call__(self, request):
        response = self.get_response(request)
        header = next((policy for prefix, policy in self.by_path if request.path.startswith(prefix)), self.header)
        response.headers.setdefault("Content-Security-Policy", header)
        return response
