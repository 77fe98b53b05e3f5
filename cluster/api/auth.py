"""Authentication (bearer tokens, browser sessions) and authorization (grants).

A principal's grants decide what it may do:

* a token carries exactly the grant it was issued for;
* a logged-in user has all their grants, and a superuser is a cluster admin;
* with ``PORTOLAN_ANONYMOUS=1`` an anonymous caller is a cluster admin (the operator's
  explicit choice; the server says so at start).

Roles: ``viewer`` reads; ``editor`` also writes namespaced objects; ``admin`` also writes the
namespace object itself. A grant with no namespace covers the whole cluster. Nodes are readable
by every authenticated principal (pods name them) and writable only cluster-wide.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from cluster import errors
from cluster.kinds import Kind
from cluster.models import AccessGrant, ApiToken, Role
from cluster.models.access import hash_token

READ_VERBS = frozenset({"get", "list", "watch"})


# Tokens looked up in the last few seconds, per process: a lookup is a join over three
# tables on every request. A deleted token or deactivated user is refused at most
# TOKEN_CACHE_SECONDS later in the processes that had it cached.
TOKEN_CACHE_SECONDS = 5.0
_TOKEN_CACHE_MAX = 1024
_token_cache: dict[str, tuple[float, ApiToken | None]] = {}


def lookup_token(key_hash: str) -> ApiToken | None:
    now = time.monotonic()
    hit = _token_cache.get(key_hash)
    if hit is not None and hit[0] > now:
        return hit[1]
    token = (
        ApiToken.objects.select_related("grant", "grant__user").filter(key_hash=key_hash).first()
    )
    if token is not None:  # unknown tokens are not cached: nothing to gain, a cache to flood
        if len(_token_cache) >= _TOKEN_CACHE_MAX:
            _token_cache.clear()
        _token_cache[key_hash] = (now + TOKEN_CACHE_SECONDS, token)
    return token


def forget_tokens() -> None:
    _token_cache.clear()


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        parts = header.split(None, 1)
        if len(parts) != 2 or parts[0].lower() != self.keyword:
            raise errors.unauthorized()
        token = lookup_token(hash_token(parts[1].strip()))
        if token is None or not token.grant.user.is_active:
            raise errors.unauthorized()
        return token.grant.user, token

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="portolan"'


class ApiSessionAuthentication(SessionAuthentication):
    """The browser's session, with CSRF enforced on unsafe methods. The check runs on the
    Django request: on DRF's wrapper, Django's CSRF code would read ``request.POST`` and make
    DRF parse the body, which the API does itself (a JSON write would become a 415)."""

    def enforce_csrf(self, request: Any) -> None:
        super().enforce_csrf(getattr(request, "_request", request))


@dataclass(frozen=True)
class Grant:
    namespace: str  # "" = cluster-wide
    role: str


CLUSTER_ADMIN = (Grant("", Role.ADMIN),)


@dataclass(frozen=True)
class Principal:
    username: str
    grants: tuple[Grant, ...]
    authenticated: bool

    @property
    def cluster_wide(self) -> bool:
        return any(g.namespace == "" for g in self.grants)

    def visible_namespaces(self) -> set[str] | None:
        """None: every namespace."""
        if self.cluster_wide:
            return None
        return {g.namespace for g in self.grants}

    def allows(self, verb: str, kind: Kind, namespace: str, name: str = "") -> bool:
        write = verb not in READ_VERBS
        for g in self.grants:
            if write and g.role == Role.VIEWER:
                continue
            if g.namespace == "":
                return True
            if kind.namespaced:
                if namespace == g.namespace:
                    return True
                if not namespace and verb in ("list", "watch"):
                    return True  # an all-namespace read, filtered to visible namespaces
            elif kind.kind == "Namespace":
                if verb in ("list", "watch"):
                    return True  # filtered to visible namespaces by the view
                if name == g.namespace and (
                    not write or (g.role == Role.ADMIN and verb != "create")
                ):
                    return True
            elif not write:
                return True  # nodes and other cluster-scoped reads
        return False


def principal_for(request: Any) -> Principal:
    user = getattr(request, "user", None)
    token = getattr(request, "auth", None)
    if isinstance(token, ApiToken):
        g = token.grant
        return Principal(user.get_username(), (Grant(g.namespace, g.role),), True)
    if user is not None and getattr(user, "is_authenticated", False):
        if user.is_superuser:
            return Principal(user.get_username(), CLUSTER_ADMIN, True)
        grants = tuple(Grant(g.namespace, g.role) for g in AccessGrant.objects.filter(user=user))
        return Principal(user.get_username(), grants, True)
    if settings.PORTOLAN_ANONYMOUS:
        return Principal("system:anonymous", CLUSTER_ADMIN, False)
    return Principal("system:anonymous", (), False)


BEARER_PROTOCOL_PREFIX = "base64url.bearer.authorization.k8s.io."


def principal_for_scope(scope: dict[str, Any]) -> Principal | None:
    """A WebSocket's principal, as for HTTP: a bearer token (``Authorization`` header, or the
    Kubernetes-style ``base64url.bearer.authorization.k8s.io.<token>`` subprotocol that
    browsers can send), else the session user, else anonymous. None: a token was given and
    is not valid."""
    import base64

    raw = None
    for name, value in scope.get("headers") or []:
        if name == b"authorization":
            parts = value.decode("latin-1").split(None, 1)
            if len(parts) == 2 and parts[0].lower() == "bearer":
                raw = parts[1].strip()
            else:
                return None
    for proto in scope.get("subprotocols") or []:
        if proto.startswith(BEARER_PROTOCOL_PREFIX):
            encoded = proto[len(BEARER_PROTOCOL_PREFIX) :]
            try:
                raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
            except (ValueError, UnicodeDecodeError):
                return None

    class _Req:
        user = scope.get("user")
        auth = None

    request = _Req()
    if raw is not None:
        token = lookup_token(hash_token(raw))
        if token is None or not token.grant.user.is_active:
            return None
        request.user = token.grant.user
        request.auth = token
    return principal_for(request)


def authorize(
    request: Any,
    verb: str,
    kind: Kind,
    namespace: str = "",
    name: str = "",
    subresource: str = "",
) -> Principal:
    """Raise 401 for a caller who is not logged in, 403 for one who may not do this."""
    p = principal_for(request)
    if not p.grants and not p.authenticated:
        raise errors.unauthorized()
    if not p.allows(verb, kind, namespace, name):
        raise errors.forbidden_request(
            forbidden_message(p.username, verb, kind, namespace, name, subresource),
            kind.plural,
            name,
            kind.group,
        )
    return p


def forbidden_message(
    username: str, verb: str, kind: Kind, namespace: str, name: str, subresource: str
) -> str:
    """``errors.NewForbidden`` around the authorizer's ``forbiddenMessage``. For the namespaces
    resource the request's namespace is the object's name, as ``RequestInfoFactory`` sets it."""
    resource = f"{kind.plural}/{subresource}" if subresource else kind.plural
    scope_ns = name if kind.kind == "Namespace" else namespace
    if scope_ns:
        scope = f'in the namespace "{scope_ns}"'
    else:
        scope = "at the cluster scope"
    target = f'{kind.qualified_plural} "{name}"' if name else kind.qualified_plural
    return (
        f'{target} is forbidden: User "{username}" cannot {verb} resource "{resource}" '
        f'in API group "{kind.group}" {scope}'
    )
