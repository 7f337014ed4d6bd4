"""The Content-Security-Policy every response carries (decision 33)."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY) on every response that does not
    set its own. Only the back office loosens it: Django's admin runs its own scripts (from
    this site) and writes a few inline styles."""

    BACK_OFFICE = {"script-src": ["'self'"], "style-src": ["'self'", "'unsafe-inline'"]}

    def get_policy_parts(self, request: HttpRequest, response: HttpResponseBase,
                         report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(reverse("admin:index")) and parts.replace is None:
            parts.replace = self.BACK_OFFICE
        return parts
