"""Request id + client IP for the audit trail, and security headers (security.md rules 19, 24)."""

import uuid

from .context import RequestContext, reset_request_context, set_request_context


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        ctx = RequestContext(request_id=request.request_id, client_ip=request.META.get("REMOTE_ADDR"))
        token = set_request_context(ctx)
        try:
            response = self.get_response(request)
        finally:
            reset_request_context(token)
        response["X-Request-ID"] = request.request_id
        return response


class ChineseFirstMiddleware:
    """Chinese unless the user chose English with the language switch (its cookie). The browser's
    Accept-Language is not consulted: office PCs and kiosks often run English systems, and
    Tuoyu's first language is zh-Hans. Sits before LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# No inline script or style anywhere: every script and stylesheet is a local static file.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/docs") or request.path.startswith("/api/v1/docs"):
            return response  # Swagger UI brings its own inline bootstrap script.
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.setdefault("Cache-Control", "no-store")
        return response
