"""Security numbers a city may tighten (shared/domain/security.md; its "(setting)" values).

Session length and password length live in Django's settings (SESSION_COOKIE_AGE,
AUTH_PASSWORD_VALIDATORS) because Django reads them there; the rest are here.
"""

from datetime import timedelta

from .base import Rule

SECURITY_RULES = "Tuoyu 安全规则（security.md）"

# Rule 11: API tokens expire within 90 days (setting).
API_TOKEN_LIFETIME_DAYS = Rule("security.api_token_lifetime_days", 90, SECURITY_RULES, "第11条", configurable=True)


def api_token_lifetime() -> timedelta:
    return timedelta(days=int(API_TOKEN_LIFETIME_DAYS.current()))


# Rule 7: 10 consecutive failed logins for one username lock it for 30 minutes (setting); django-axes
# reads these two through the functions below (settings.AXES_FAILURE_LIMIT / AXES_COOLOFF_TIME).
LOGIN_FAILURE_LIMIT = Rule("security.login_failure_limit", 10, SECURITY_RULES, "第7条", configurable=True)
LOGIN_LOCKOUT_MINUTES = Rule("security.login_lockout_minutes", 30, SECURITY_RULES, "第7条", configurable=True)


def login_failure_limit(request=None, credentials=None) -> int:
    return int(LOGIN_FAILURE_LIMIT.current())


def login_lockout(request=None) -> timedelta:
    return timedelta(minutes=int(LOGIN_LOCKOUT_MINUTES.current()))
