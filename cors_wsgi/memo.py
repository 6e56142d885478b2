"""The memo in front of :mod:`.rules`: one policy's decisions remembered, per adapter.

:class:`PolicyDecider` is the only place that knows request facts come as an adapter hands
them: a WSGI environ (text under CGI names, ``HTTP_ORIGIN``) or the ASGI header dict (latin-1
bytes under lower-case byte names, ``b"origin"``). Repeated origins and preflights are found
under the raw values without decoding them; a miss decodes once and asks the rules.

Every cache is owned by one decider and bounded by a named constant; when one is full it is
emptied (cheaper than LRU bookkeeping on the hot path) and refills with what is in use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from . import rules
from .decision import Decision, Reason
from .origin_func import OriginFunc, Verdict
from .origins import MAX_ORIGIN_LENGTH, server_origin

if TYPE_CHECKING:
    from .options import Options

__all__ = [
    "ASGI_KEYS",
    "DECISION_CACHE_SIZE",
    "GUARD_CACHE_SIZE",
    "MAX_CACHED_REQUEST_HEADERS",
    "SERVER_ORIGIN_CACHE_SIZE",
    "WSGI_KEYS",
    "FactKeys",
    "PolicyDecider",
    "Respond",
    "request_facts",
]

#: Distinct origins whose actual-request decisions, and distinct preflights whose decisions,
#: each :class:`PolicyDecider` remembers. Measured at the bound (``tests/unit/test_memo.py``,
#: tracemalloc, CPython 3.11): the origin cache, 1,024 origins of the longest remembered
#: length (300 characters) each echoed in ``Access-Control-Allow-Origin``, holds about 1.5 MB;
#: the preflight cache, every key at the longest remembered ``Access-Control-Request-Headers``
#: (1,024 characters) with every name and the origin echoed, about 7.3 MB under WSGI (text)
#: and 9.1 MB under ASGI (bytes). Browsers send short values: a few KB per origin in use.
DECISION_CACHE_SIZE: Final = 1024
#: Preflights asking for more than this many characters of headers are decided afresh each
#: time rather than remembered, which bounds the preflight cache's keys.
MAX_CACHED_REQUEST_HEADERS: Final = 1024
#: Distinct ``Host`` values whose server origin is remembered, for telling a same-origin
#: request from a refused one. Servers answer to few names; bounded all the same: measured at
#: the bound, about 50 KB for 270-character hosts (64 times the longest ``Host`` a server
#: accepts at most).
SERVER_ORIGIN_CACHE_SIZE: Final = 64
#: Distinct ``Host`` values whose ``allowed_hosts`` answer, and distinct origins whose
#: "the server's own" answer, each guarded :class:`PolicyDecider` remembers (values longer than
#: ``MAX_ORIGIN_LENGTH`` are never remembered). Measured at the bound with 300-character values
#: (tracemalloc, CPython 3.11): about 0.1 MB each, text or bytes.
GUARD_CACHE_SIZE: Final = 256

Respond = Callable[..., Decision]
_NOT_ALLOWED: Final = Reason.ORIGIN_NOT_ALLOWED  # an Enum attribute lookup costs ~50 ns
_PENDING: Final = Reason.ORIGIN_FUNC_PENDING
_ALLOW: Final = Verdict.ALLOW
#: rules.TRUSTED_SITES and "same-origin" as WSGI (text) and ASGI (bytes) carry them.
_TRUSTED_SITES: Final = frozenset(
    {*rules.TRUSTED_SITES, *(site.encode("latin-1") for site in rules.TRUSTED_SITES)}
)
_SAME_ORIGIN_SITE: Final = ("same-origin", b"same-origin")


class FactKeys(NamedTuple):
    """Where an adapter's request facts keep each request header the core reads. The method
    and path are always ``REQUEST_METHOD`` and ``SCRIPT_NAME`` + ``PATH_INFO``. The scheme and,
    without ``Host``, the server's name and port are read only to tell a same-origin request:
    from ``wsgi.url_scheme``, ``SERVER_NAME`` and ``SERVER_PORT``, or from the ASGI scope kept
    under :attr:`scope`, so that an ASGI request pays nothing for them until then."""

    origin: str | bytes
    request_method: str | bytes
    request_headers: str | bytes
    private_network: str | bytes
    fetch_site: str | bytes
    host: str | bytes
    #: The key under which the ASGI adapter keeps its scope (None under WSGI).
    scope: str | None = None


def request_path(facts: Mapping[Any, Any]) -> str:
    """The path per-path policies match: WSGI's ``SCRIPT_NAME + PATH_INFO``; under ASGI the
    public path, ``root_path + path`` unless ``path`` already starts with ``root_path``: servers
    disagree on whether ``path`` holds it (uvicorn's does; Hypercorn's, Daphne's and Granian's
    do not), and one configuration must govern the same URL on all of them."""
    path: str = facts.get("PATH_INFO", "")
    scope = facts.get("asgi.scope")
    if scope is None:
        return facts.get("SCRIPT_NAME", "") + path  # type: ignore[no-any-return]
    root: str = scope.get("root_path", "")
    return path if not root or path.startswith(root) else root + path


#: A WSGI environ (PEP 3333, RFC 3875 names): the environ is the facts as it is.
WSGI_KEYS: Final = FactKeys(
    "HTTP_ORIGIN",
    "HTTP_ACCESS_CONTROL_REQUEST_METHOD",
    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS",
    "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
    "HTTP_SEC_FETCH_SITE",
    "HTTP_HOST",
)
#: ``dict(scope["headers"])``: ASGI's lower-case byte names, latin-1 byte values.
ASGI_KEYS: Final = FactKeys(
    b"origin",
    b"access-control-request-method",
    b"access-control-request-headers",
    b"access-control-request-private-network",
    b"sec-fetch-site",
    b"host",
    "asgi.scope",
)
#: The origin of a WebSocket handshake's page is http(s), its scope's scheme ws(s).
_ASGI_SCHEMES: Final = {"wss": "https", "ws": "http"}


def _text(value: str | bytes) -> str:
    """A header value as text: bytes are latin-1, as HTTP header values are."""
    return value if isinstance(value, str) else value.decode("latin-1")


class PolicyDecider:
    """Decides requests under one policy, remembering decisions; for one adapter's facts.

    * :attr:`respond` ``(facts, verdict=None)`` is what the adapters call on every request. Its
      one shortcut: under a policy whose answers do not depend on it, an actual request refused
      for its origin keeps ``origin_not_allowed`` even when it is same-origin, because the
      answer is the same (the application's response with ``Vary: Origin``).
    * :meth:`settle` tells ``same_origin`` apart in such a decision; whatever reads a reason
      (the refusal log, the WebSocket check) settles first.
    * :meth:`decide` = ``settle(respond(...))``: for ``evaluate()``, the command line and tests.

    *verdict* is what ``allow_origin_func`` said, after an ``origin_func_pending`` decision
    (``Action.ASK``). Thread-safe: caches are plain dicts, and an entry is the same whichever
    thread computes it.
    """

    __slots__ = (
        "_actual",
        "_allowed_by_func",
        "_hosts",
        "_keys",
        "_lazy",
        "_own_origins",
        "_preflights",
        "_refused_by_func",
        "_server_origins",
        "no_origin",
        "origin_func",
        "pending",
        "policy",
        "refused_host",
        "refused_origin",
        "refused_write",
        "respond",
        "same_origin",
    )

    def __init__(self, policy: Options, keys: FactKeys = WSGI_KEYS) -> None:
        self.policy = policy
        self._keys = keys
        self.no_origin = rules.no_origin(policy)
        self.same_origin = rules.same_origin(policy)
        #: Under ``cross_origin_protection``, the answer to a refused write; None when off.
        self.refused_write = rules.refused_write(policy) if policy.cross_origin_protection else None
        #: Refused by the function: a verdict of REFUSE, FAIL or BUSY.
        self._refused_by_func = {
            verdict: rules.by_function(policy, "https://x.invalid", verdict)
            for verdict in (Verdict.REFUSE, Verdict.FAIL, Verdict.BUSY)
        }
        #: ``allow_origin_func`` with its remembered answers, and what asking it looks like.
        self.origin_func: OriginFunc | None = None
        self.pending: Decision | None = None
        if policy.allow_origin_func is not None:
            self.origin_func = OriginFunc(
                policy.allow_origin_func,
                policy.origin_func_cache_seconds,
                policy.origin_func_timeout,
                policy.origin_func_concurrency,
            )
            undecided = rules.by_function(policy, "https://x.invalid", None)
            self.pending = Decision(_PENDING, undecided.headers, ask=self.origin_func)
        self._actual: dict[str | bytes, Decision] = {}  # by raw Origin
        self._preflights: dict[tuple[Any, ...], Decision] = {}  # by raw preflight values
        self._allowed_by_func: dict[str, Decision] = {}  # by Origin; the verdict has a TTL
        # Host (None when absent) -> (scheme, the server's origin in the Host's type)
        self._server_origins: dict[str | bytes | None, tuple[str, str | bytes]] = {}
        # Settled on every request where the answer depends on it: the function's verdict,
        # write protection, and the debug header (which shows the reason).
        settled = (
            policy.allow_origin_func is not None or policy.cross_origin_protection or policy.debug
        )
        # Under write protection alone, a safe request refused for its origin is answered the
        # same whether it is same-origin or not: it is left to settle(), as the plain path does.
        self._lazy = policy.allow_origin_func is None and not policy.debug
        #: The guards' answers: None when ``allowed_hosts`` / ``refuse_untrusted_origins`` is off.
        self.refused_host = rules.refused_host(policy) if policy.host_matcher else None
        self.refused_origin = (
            rules.refused_origin(policy) if policy.refuse_untrusted_origins else None
        )
        self._hosts: dict[str | bytes | None, bool] = {}  # raw Host -> allowed
        self._own_origins: dict[str | bytes, bool] = {}  # raw Origin -> the server's own
        #: ``respond(facts, verdict=None) -> Decision``: chosen once, so a plain policy pays for
        #: nothing it does not use.
        respond = self._respond_settled if settled else self._make_respond()
        if self.refused_host is not None or self.refused_origin is not None:
            respond = self._make_guarded(respond)
        self.respond: Respond = respond

    def _make_respond(self) -> Respond:
        """The plain policy's hot path: two dict lookups, no decoding (a closure over locals,
        which Python reads faster than attributes)."""
        origin_key, method_key, headers_key, network_key = self._keys[:4]
        no_origin, actual, preflights = self.no_origin, self._actual, self._preflights
        actual_miss, preflight_miss = self._actual_miss, self._preflight_miss

        def respond(facts: Mapping[Any, Any], verdict: Verdict | None = None) -> Decision:
            origin = facts.get(origin_key)
            if origin is None:  # not a CORS request
                return no_origin
            if facts["REQUEST_METHOD"] == "OPTIONS":
                request_method = facts.get(method_key)
                if request_method is not None:  # a preflight (rules.is_preflight)
                    key = (origin, request_method, facts.get(headers_key), facts.get(network_key))
                    return preflights.get(key) or preflight_miss(key, None)
            return actual.get(origin) or actual_miss(origin)

        return respond

    def _make_guarded(self, inner: Respond) -> Respond:
        """*inner* behind the guards, in :func:`rules.decide`'s order: ``allowed_hosts`` on
        every request, then ``refuse_untrusted_origins`` on a decision that does not allow the
        request's ``Origin`` (both answers remembered per raw value)."""
        host_key, origin_key = self._keys.host, self._keys.origin
        hosts, host_miss = self._hosts, self._host_miss
        refused_host, refused_origin = self.refused_host, self.refused_origin
        guard_hosts = refused_host is not None
        untrusted, is_own = rules.UNTRUSTED_REASONS, self._is_own_origin

        def respond(facts: Mapping[Any, Any], verdict: Verdict | None = None) -> Decision:
            if guard_hosts:
                host = facts.get(host_key)
                allowed = hosts.get(host)
                if allowed is None:
                    allowed = host_miss(host)
                if not allowed:
                    return refused_host  # type: ignore[return-value]  # set when guard_hosts
            decision: Decision = inner(facts, verdict)
            if refused_origin is not None and decision.reason in untrusted:
                origin = facts.get(origin_key)
                if origin is not None and not is_own(origin, facts):
                    return refused_origin
            return decision

        return respond

    def _host_miss(self, host: str | bytes | None) -> bool:
        allowed = not rules.refuses_host(self.policy, "" if host is None else _text(host))
        if host is None or len(host) <= MAX_ORIGIN_LENGTH:
            if len(self._hosts) >= GUARD_CACHE_SIZE:
                self._hosts.clear()
            self._hosts[host] = allowed
        return allowed

    def _is_own_origin(self, origin: str | bytes, facts: Mapping[Any, Any]) -> bool:
        """:func:`rules.is_own_origin` for the raw *origin*: by ``allowed_hosts`` (remembered),
        else the same-origin test."""
        matcher = self.policy.host_matcher
        if matcher is None:
            return self._is_same_origin(origin, facts)
        own = self._own_origins.get(origin)
        if own is None:
            own = matcher.allows_origin(_text(origin))
            if len(origin) <= MAX_ORIGIN_LENGTH:
                if len(self._own_origins) >= GUARD_CACHE_SIZE:
                    self._own_origins.clear()
                self._own_origins[origin] = own
        return own

    def _respond_settled(
        self, facts: Mapping[Any, Any], verdict: Verdict | None = None
    ) -> Decision:
        """:func:`rules.decide`'s steps in its order, each remembered where it can be."""
        keys = self._keys
        origin = facts.get(keys.origin)
        method = facts["REQUEST_METHOD"]
        if origin is None:
            decision = self.no_origin
        elif method == "OPTIONS" and facts.get(keys.request_method) is not None:
            key: tuple[Any, ...] = (
                origin,
                facts[keys.request_method],
                facts.get(keys.request_headers),
                facts.get(keys.private_network),
            )
            if self.origin_func is not None and self._function_decides(origin):
                verdict = verdict or self.origin_func.remembered(_text(origin))
                if verdict is None:
                    return self.pending  # type: ignore[return-value]  # set with origin_func
                key = (*key, verdict)  # a preflight never outlives the function's answer
            return self._preflights.get(key) or self._preflight_miss(key, verdict)
        else:
            decision = self._actual.get(origin) or self._actual_miss(origin)
            if decision.reason is _NOT_ALLOWED:  # refused by the fixed entries
                site = facts.get(keys.fetch_site)
                if site in _SAME_ORIGIN_SITE:  # the browser's own word (rules.is_same_origin)
                    return self.same_origin  # a trusted site: write protection passes it too
                if (
                    site is not None
                    and site not in _TRUSTED_SITES
                    and self.refused_write is not None
                    and self.origin_func is None
                    and method not in rules.SAFE_METHODS
                ):
                    # rules.protect_write refuses this write whether or not Host names the
                    # Origin: the site alone decides.
                    return self.refused_write
                if self._lazy and method in rules.SAFE_METHODS:
                    return decision  # the answer is the same if same-origin: settle() tells
                decision = self._settle_refused(decision, origin, facts, verdict)
        if (
            self.refused_write is not None
            and not decision.allowed
            and method not in rules.SAFE_METHODS
            and decision.reason is not _PENDING
        ):
            site = facts.get(keys.fetch_site)
            if site is not None:  # the site alone decides: its raw value is enough
                if site not in _TRUSTED_SITES:
                    return self.refused_write
            elif rules.refuses_write(
                decision,
                method,
                None,
                None if origin is None else _text(origin),
                _text(facts.get(keys.host) or ""),
            ):
                return self.refused_write
        return decision

    def settle(self, decision: Decision, facts: Mapping[Any, Any]) -> Decision:
        """*decision*, made by :attr:`respond` for *facts*, with ``same_origin`` told apart."""
        if decision.reason is _NOT_ALLOWED and not decision.preflight:
            origin = facts.get(self._keys.origin)
            if origin is not None and self._is_same_origin(origin, facts):
                return self.same_origin
        return decision

    def decide(self, facts: Mapping[Any, Any], verdict: Verdict | None = None) -> Decision:
        """The settled decision for *facts*: what :func:`rules.decide` answers."""
        return self.settle(self.respond(facts, verdict), facts)

    @property
    def remembered(self) -> int:
        """How many actual-request decisions are remembered now (at most the cache size)."""
        return len(self._actual)

    # -- misses: the rules, remembered -------------------------------------------------------

    def _actual_miss(self, origin: str | bytes) -> Decision:
        decision = rules.by_fixed_entries(self.policy, _text(origin))
        if len(origin) <= MAX_ORIGIN_LENGTH:  # oversized values are never remembered
            if len(self._actual) >= DECISION_CACHE_SIZE:
                self._actual.clear()
            self._actual[origin] = decision
        return decision

    def _preflight_miss(self, key: tuple[Any, ...], verdict: Verdict | None) -> Decision:
        origin, method, requested, network = key[:4]
        decision = rules.decide_preflight(
            self.policy,
            _text(origin),
            _text(method),
            _text(requested or ""),
            network is not None and _text(network) == "true",
            verdict,
        )
        if len(requested or "") <= MAX_CACHED_REQUEST_HEADERS and len(origin) <= MAX_ORIGIN_LENGTH:
            if len(self._preflights) >= DECISION_CACHE_SIZE:
                self._preflights.clear()
            self._preflights[key] = decision
        return decision

    def _function_decides(self, origin: str | bytes) -> bool:
        """True when *origin* is left to ``allow_origin_func``: valid, not ``null``, and not
        allowed by the fixed entries (junk never reaches a database)."""
        decision = self._actual.get(origin) or self._actual_miss(origin)
        return decision.reason is _NOT_ALLOWED and origin not in ("null", b"null")

    def _settle_refused(
        self,
        decision: Decision,
        origin: str | bytes,
        facts: Mapping[Any, Any],
        verdict: Verdict | None,
    ) -> Decision:
        """An origin the fixed entries refuse: same origin, else the function's verdict."""
        if self._is_same_origin(origin, facts):
            return self.same_origin
        if self.origin_func is None:
            return decision
        text = _text(origin)
        verdict = verdict or self.origin_func.remembered(text)
        if verdict is None:
            return self.pending if text != "null" else decision  # type: ignore[return-value]
        if verdict is _ALLOW:
            allowed = self._allowed_by_func.get(text)
            if allowed is None:
                allowed = rules.by_function(self.policy, text, verdict)
                if len(self._allowed_by_func) >= DECISION_CACHE_SIZE:
                    self._allowed_by_func.clear()
                self._allowed_by_func[text] = allowed
            return allowed
        return self._refused_by_func[verdict]

    def _is_same_origin(self, origin: str | bytes, facts: Mapping[Any, Any]) -> bool:
        keys = self._keys
        if facts.get(keys.fetch_site) in _SAME_ORIGIN_SITE:  # rules.is_same_origin
            return True
        host = facts.get(keys.host)
        scope = facts[keys.scope] if keys.scope else None
        if scope is None:
            scheme = facts.get("wsgi.url_scheme", "http")
        else:
            scheme = scope.get("scheme") or "http"
            scheme = _ASGI_SCHEMES.get(scheme, scheme)
        known = self._server_origins.get(host)
        if known is None or known[0] != scheme:
            if host:
                named = host
            elif scope is None:
                named = f"{facts.get('SERVER_NAME')}:{facts.get('SERVER_PORT')}"
            else:
                server = scope.get("server") or ("", "")
                named = f"{server[0]}:{server[1]}"
            text = server_origin(scheme, _text(named))
            known = (scheme, text.encode("latin-1") if isinstance(origin, bytes) else text)
            if len(self._server_origins) >= SERVER_ORIGIN_CACHE_SIZE:
                self._server_origins.clear()
            self._server_origins[host] = known
        return origin == known[1]


def request_facts(
    method: str,
    origin: str | None,
    request_headers: Mapping[str, str] | None = None,
    path: str = "/",
    request_origin: str | None = None,
) -> dict[str, str]:
    """Request facts with WSGI names from plain values: *request_headers* by name, any case;
    *request_origin* is the server's own origin (``https://api.example.com``)."""
    facts = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path}
    if origin is not None:
        facts["HTTP_ORIGIN"] = origin
    for name, value in (request_headers or {}).items():
        facts["HTTP_" + name.upper().replace("-", "_")] = value
    if request_origin is not None:
        scheme, _, host = request_origin.partition("://")
        facts["wsgi.url_scheme"], facts["HTTP_HOST"] = scheme, host
    else:
        facts["HTTP_HOST"] = ""  # no server origin: nothing is same-origin
    return facts
