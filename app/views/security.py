"""What every response tells the browser, and the session cookie's flags.

- Content-Security-Policy: scripts only from this site (the pages have no inline script or
  ``on…=`` handler: their scripts are files under ``app/static``), no plug-ins, forms posting
  only here; styles may be inline, because bpmn-js and dmn-js place and colour the diagram with
  style attributes; images and fonts may be ``data:`` URIs, as the bpmn-js and dmn-js styles use.
- No page may be framed by another site (``frame-ancestors 'none'`` and, for older browsers,
  X-Frame-Options DENY); a view marked ``framed_by_own_pages`` may be framed by this site only.
- X-Content-Type-Options nosniff, Referrer-Policy same-origin.
- The session cookie is HttpOnly and SameSite=Lax (app/config.py), and Secure when
  ``SESSION_COOKIE_SECURE`` is set (``VITRINA_SECURE_COOKIES=1``) or the request came over HTTPS,
  directly or, with ``VITRINA_TRUSTED_PROXIES``, as a proxy's X-Forwarded-Proto says.
"""
from __future__ import annotations

from functools import wraps

from flask import has_request_context, make_response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def content_security_policy(frame_ancestors: str = "'none'") -> str:
    return "; ".join(f"{name} {value}" for name, value in {**_POLICY, "frame-ancestors": frame_ancestors}.items())


HEADERS = {
    "Content-Security-Policy": content_security_policy(),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
SAME_ORIGIN_FRAMING = {
    "Content-Security-Policy": content_security_policy("'self'"),
    "X-Frame-Options": "SAMEORIGIN",
}


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the Secure flag also on every answer to HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def framed_by_own_pages(view):
    """Let this site's own pages show the view in an iframe (the simulation report in its run page)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers.update(SAME_ORIGIN_FRAMING)
        return response
    return wrapper


def _add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app) -> None:
    app.after_request(_add_headers)
    app.session_interface = SessionCookies()
    if proxies := int(app.config.get("VITRINA_TRUSTED_PROXIES") or 0):
        # Only then are X-Forwarded-For/-Proto believed: the client address the login throttle
        # counts and the scheme that makes cookies Secure come from that many proxies in front.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
