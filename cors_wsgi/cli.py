"""``python -m cors_wsgi`` (also ``cors-wsgi``): check a config, explain a request, probe a server.

Exit codes: 0 the config is valid / the browser would allow the request; 1 problems in the
config / the browser would block the request; 2 bad command-line usage; 3 the server could not
be reached (probe).
"""

from __future__ import annotations

import argparse
import ast
import http.client
import importlib
import json
import os
import re
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from . import __version__
from .browser import (
    ASSUMED_FETCH_SITE,
    SEC_FETCH_SITES,
    BrowserRequest,
    Exchange,
    asking,
    browser_fetch_site,
    diagnose_refused_preflight,
    explain_exchanges,
    normalise_method,
    outcome,
    probe_exchanges,
    server_fix,
    smallest_fix,
    url_origin,
)
from .core import Decider, MiddlewareBase
from .errors import ConfigError, Problem
from .lint import nothing_allowed_anywhere, policy_warnings
from .migrate import PEERS
from .options import ANY, describe_function, read_ini
from .origins import explain_bad_origin, is_serialized_origin
from .policy import CORSPolicy
from .routes import PathPattern, load_ini

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
#: ``package.module:attribute``, the other form of a config argument.
OBJECT_REFERENCE = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")


class UsageError(Exception):
    """A command-line argument that cannot be used; the message is one line for a person."""


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    out = out or sys.stdout
    args = build_parser(program_name()).parse_args(argv)
    try:
        result: int = args.command(args, out)
        out.flush()  # a closed pipe shows here, not at exit
    except BrokenPipeError:
        # The reader stopped early (| head): nothing more to say, and no traceback at exit.
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAIL
    except UsageError as error:
        emit(args, out, {"ok": False, "error": str(error)}, f"error: {error}")
        return EXIT_USAGE
    except ConfigError as error:
        # check reports problems itself; explain cannot explain an invalid config
        emit(args, out, {"ok": False, "problems": problem_list(error)}, f"invalid config:\n{error}")
        return EXIT_FAIL
    except OSError as error:  # a config file that cannot be read
        emit(args, out, {"ok": False, "error": str(error)}, f"error: {error}")
        return EXIT_USAGE
    return result


def program_name() -> str:
    """The name the command was run as: ``cors-wsgi`` as the console script, else
    ``python -m cors_wsgi``."""
    return "cors-wsgi" if Path(sys.argv[0]).stem == "cors-wsgi" else "python -m cors_wsgi"


def build_parser(prog: str = "python -m cors_wsgi") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Check a cors_wsgi config, explain what a browser would do, or probe a "
        "live server's CORS answers.",
        epilog="exit codes: 0 ok or allowed, 1 problems or blocked, 2 usage, 3 unreachable",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    config_help = (
        "INI file, or package.module:attribute naming a CORSPolicy, a dict or a WSGI or ASGI "
        "CORSMiddleware"
    )

    check = commands.add_parser("check", help="validate a config and print the policy")
    check.add_argument("config", help=config_help)
    check.add_argument("--section", default="cors", help="INI section (default: cors)")
    add_global_argument(check)
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(command=run_check)

    explain = commands.add_parser("explain", help="what a browser would do with a request")
    explain.add_argument("config", help=config_help)
    explain.add_argument("--section", default="cors", help="INI section (default: cors)")
    add_global_argument(explain)
    add_request_arguments(explain)
    explain.add_argument(
        "--path", default=None, help="request path (default: /; required for per-path policies)"
    )
    explain.add_argument(
        "--host",
        default=None,
        help="the Host the requests carry, for allowed_hosts (default: one the policy allows; "
        "a DNS-rebinding page's is the attacker's, such as rebind.example:8000)",
    )
    explain.set_defaults(command=run_explain)

    probe = commands.add_parser("probe", help="send the preflight and request to a server")
    probe.add_argument("url", help="the URL the page would fetch")
    add_request_arguments(probe)
    probe.add_argument("--timeout", type=float, default=10.0, help="seconds (default: 10)")
    probe.add_argument(
        "--preflight-only", action="store_true", help="send only the preflight, not the request"
    )
    probe.set_defaults(command=run_probe)

    migrate = commands.add_parser(
        "migrate", help="print the cors_wsgi INI equivalent of another library's configuration"
    )
    migrate.add_argument("peer", choices=sorted(PEERS), help="the library you come from")
    migrate.add_argument(
        "source",
        help="flask-cors, starlette: a dict literal of keyword arguments or config keys, or "
        "package.module:attribute naming a dict (flask-cors: or a Flask app; starlette: or a "
        "Starlette/FastAPI app, whose CORSMiddleware entry is read); django: a "
        "settings module (mysite.settings) or module:attribute naming a dict; wsgicors: an INI "
        "file",
    )
    migrate.add_argument(
        "--section", default="filter:cors", help="wsgicors INI section (default: filter:cors)"
    )
    migrate.set_defaults(command=run_migrate)
    return parser


# -- migrate --------------------------------------------------------------------------------------


def run_migrate(args: argparse.Namespace, out: TextIO) -> int:
    migration = PEERS[args.peer].translate(migration_source(args))
    text = migration.to_ini()
    if migration.safe:  # the result must be a valid cors_wsgi configuration
        Decider(migration.policy_config())
    print(text, end="", file=out)
    if not migration.safe:
        for problem in migration.unsafe:
            print(f"cannot be carried over safely: {problem}", file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


def migration_source(args: argparse.Namespace) -> Any:
    """The peer's configuration named on the command line."""
    source: str = args.source
    if args.peer == "wsgicors":
        sections = read_ini(source)
        if args.section not in sections:
            found = ", ".join(f"[{name}]" for name in sections) or "none"
            raise UsageError(f"no [{args.section}] section in {source} (found: {found})")
        return sections[args.section]
    if source.lstrip().startswith("{"):
        return literal(source)
    module_name, _, attribute = source.partition(":")
    sys.path.insert(0, ".")
    try:
        target: object = importlib.import_module(module_name)
    except ImportError as error:
        raise UsageError(f"cannot import {module_name}: {error}") from error
    finally:
        sys.path.remove(".")
    for name in attribute.split(".") if attribute else ():
        if not hasattr(target, name):
            raise UsageError(f"{module_name} has no attribute {attribute}")
        target = getattr(target, name)
    try:
        return PEERS[args.peer].config_of(target)
    except TypeError as error:
        raise UsageError(f"{source} {error}") from error


def literal(source: str) -> dict[str, Any]:
    """A configuration written as a Python dict literal or a JSON object."""
    try:
        value = ast.literal_eval(source)
    except (ValueError, SyntaxError) as python_error:
        try:
            value = json.loads(source)
        except ValueError as json_error:
            raise UsageError(
                f"neither a Python dict literal ({python_error}) nor a JSON object ({json_error})"
            ) from json_error
    if not isinstance(value, dict):
        raise UsageError(f"expected a dict literal or a JSON object, not {type(value).__name__}")
    return value


def add_global_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--global",
        dest="paste_globals",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value for %%(NAME)s in a PasteDeploy INI file, as gunicorn --paste-global "
        "gives it (repeatable)",
    )


def paste_globals(args: argparse.Namespace) -> dict[str, str] | None:
    """The --global values, or None when none is given (then %(name)s is refused)."""
    found: dict[str, str] = {}
    for item in args.paste_globals:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--global {item!r}: write NAME=VALUE")
        found[name.strip()] = value
    return found if args.paste_globals else None


def add_request_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--origin", required=True, help="the page's origin")
    parser.add_argument("--method", default="GET", help="as passed to fetch() (default: GET)")
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME[: VALUE]'",
        help="a request header the page sets (repeatable)",
    )
    parser.add_argument(
        "--credentials", action="store_true", help="credentials: 'include' (cookies)"
    )
    parser.add_argument(
        "--sec-fetch-site",
        choices=(*SEC_FETCH_SITES, "absent"),
        default=None,
        help="the Sec-Fetch-Site the browser sends, for cross_origin_protection: 'absent' for "
        "older browsers (explain default: cross-site; probe default: as a browser would, "
        "same-origin or cross-site on https and loopback URLs, absent otherwise)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


# -- check ----------------------------------------------------------------------------------------


def load_config(
    spec: str, section: str, globals_: dict[str, str] | None = None
) -> CORSPolicy | list[tuple[PathPattern, CORSPolicy]]:
    """The policy or per-path policies named by *spec*: an INI file (*globals_*: its
    ``%(name)s`` values), or ``package.module:attribute`` naming a CORSPolicy, a dict of
    options or a WSGI or ASGI CORSMiddleware."""
    if OBJECT_REFERENCE.fullmatch(spec) and not Path(spec).exists():
        return load_object(spec)
    return load_ini(spec, section, globals_)


def load_object(spec: str) -> CORSPolicy | list[tuple[PathPattern, CORSPolicy]]:
    module_name, _, attribute = spec.partition(":")
    sys.path.insert(0, ".")  # as python -m does: the current directory's modules come first
    try:
        target: object = importlib.import_module(module_name)
    except ImportError as error:
        raise UsageError(f"cannot import {module_name}: {error}") from error
    finally:
        sys.path.remove(".")
    for name in attribute.split("."):
        if not hasattr(target, name):
            raise UsageError(f"{module_name} has no attribute {attribute}")
        target = getattr(target, name)
    if isinstance(target, MiddlewareBase):  # either adapter, WSGI or ASGI
        if target.policy is not None:
            return target.policy
        return [(route.pattern, route.policy) for route in target.routes]
    if isinstance(target, CORSPolicy):
        return target
    if isinstance(target, dict):
        return CORSPolicy.from_dict(target)
    kind = type(target).__name__
    raise UsageError(
        f"{spec} is of type {kind}; expected a CORSPolicy, a dict or a CORSMiddleware "
        "(WSGI or ASGI)"
    )


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    try:
        config = load_config(args.config, args.section, paste_globals(args))
    except ConfigError as error:
        lines = [f"{args.config}: {len(error.problems)} problem(s)"]
        lines += [f"  error {problem.code}: {problem}" for problem in error.problems]
        emit(args, out, {"ok": False, "problems": problem_list(error)}, "\n".join(lines))
        return EXIT_FAIL
    decider = Decider(config)
    report: dict[str, Any] = {"ok": True, "policies": [], "warnings": []}
    nothing = nothing_allowed_anywhere(decider.path_policies())
    lines = [f"{args.config}: valid"]
    for pattern, policy in decider.path_policies():
        options = {k: json_value(v) for k, v in policy.options().items()}
        report["policies"].append({"path": pattern, "options": options})
        if decider.policy is None:  # per-path policies: each under its pattern, even one
            lines.append(f"\n[{args.section}:{pattern}]")
        lines += [f"  {key} = {format_value(value)}" for key, value in policy.options().items()]
        for warning in policy_warnings(policy):
            if nothing is not None and warning.code == "W002":
                continue  # said once for the whole configuration below
            report["warnings"].append({"path": pattern, **problem_json(warning)})
            lines.append(f"  warning {warning.code}: {warning.key}: {warning.message}")
    if nothing is not None:  # valid, but surely not meant: fail the check
        report["ok"] = False
        report["warnings"].append({"path": "", **problem_json(nothing)})
        lines.append(f"\nwarning {nothing.code}: {nothing.key}: {nothing.message}")
    emit(args, out, report, "\n".join(lines))
    return EXIT_OK if nothing is None else EXIT_FAIL


def json_value(value: object) -> object:
    """An option's value as JSON can hold it (functions and regexes by their names)."""
    if isinstance(value, tuple):
        return [json_value(item) for item in value]
    if isinstance(value, re.Pattern):
        return value.pattern
    if callable(value):
        return describe_function(value)
    return value


# -- explain --------------------------------------------------------------------------------------


def request_from_args(args: argparse.Namespace) -> BrowserRequest:
    """The page's request named by --origin, --method, --header, --credentials and
    --sec-fetch-site (explain assumes cross-site)."""
    headers: list[tuple[str, str | None]] = []
    for item in args.header:
        name, sep, value = item.partition(":")
        headers.append((name.strip(), value.strip() if sep else None))
    site = args.sec_fetch_site or ASSUMED_FETCH_SITE
    return BrowserRequest(
        args.origin, normalise_method(args.method), headers, args.credentials,
        None if site == "absent" else site, same_origin=site == "same-origin",
    )  # fmt: skip


def run_explain(args: argparse.Namespace, out: TextIO) -> int:
    request = request_from_args(args)
    decider = Decider(load_config(args.config, args.section, paste_globals(args)))
    if args.path is None and decider.policy is None:  # which policy? do not guess "/"
        patterns = ", ".join(pattern for pattern, _ in decider.path_policies())
        raise UsageError(f"{args.config} has per-path policies ({patterns}); give --path")
    path = args.path or "/"
    policy = decider.policy_for_path(path)
    request.host = args.host
    if request.host is None and policy is not None and policy.host_matcher is not None:
        request.host = policy.host_matcher.example()  # the question is the origin, not the host
    exchanges = explain_exchanges(asking(decider.decide), request, path)
    result = outcome(exchanges)
    last = exchanges[-1].decision
    fix = ""
    if not result.allowed and last is not None:
        fix = smallest_fix(request, last, policy, path)
    return report_exchanges(args, out, request, exchanges, fix)


# -- probe ----------------------------------------------------------------------------------------


def run_probe(args: argparse.Namespace, out: TextIO) -> int:
    request = request_from_args(args)
    target = urlsplit(args.url)
    if target.scheme not in ("http", "https") or not target.hostname:
        raise UsageError(f"{args.url!r} is not an http(s) URL")
    if args.sec_fetch_site is None:
        request.fetch_site = browser_fetch_site(request.origin, target)
    # From the URL's own origin the browser sends no preflight and checks no CORS header.
    request.same_origin = request.origin == url_origin(target)
    if not is_serialized_origin(request.origin):
        raise UsageError(
            f"--origin {request.origin!r} is not an origin a browser sends: "
            f"{explain_bad_origin(request.origin)}"
        )
    if args.preflight_only and not request.preflight_reasons:
        same = " (same-origin)" if request.same_origin else ""
        raise UsageError(
            f"{request.method} from {request.origin}{same} needs no preflight; "
            "leave out --preflight-only"
        )
    path = target.path or "/"
    if target.query:
        path += "?" + target.query

    def send_to_target(method: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]]]:
        return send(target, method, path, headers, args.timeout)

    try:
        exchanges = probe_exchanges(
            send_to_target, request, path, preflight_only=args.preflight_only
        )
        refused = next((exchange.reason for exchange in exchanges if not exchange.passed), "")
        fix = server_fix(refused, request.origin) if refused else ""
        first = exchanges[0]
        if not fix and request.preflight_reasons and not first.passed and not first.reason:
            # A refused preflight that gives no reason: find the refused part by asking again.
            fix = diagnose_refused_preflight(send_to_target, request)
    except (OSError, http.client.HTTPException) as error:
        message = f"cannot reach {target.scheme}://{target.netloc}: {describe(error)}"
        emit(args, out, {"ok": False, "error": message}, f"error: {message}")
        return EXIT_UNREACHABLE
    return report_exchanges(args, out, request, exchanges, fix)


def send(
    target: Any, method: str, path: str, headers: dict[str, str], timeout: float
) -> tuple[int, list[tuple[str, str]]]:
    connection_class = (
        http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(target.hostname, target.port, timeout=timeout)
    try:
        body = b"" if method not in ("GET", "HEAD", "OPTIONS") else None
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheaders()
    finally:
        connection.close()


def describe(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused (is the server running on that port?)"
    if isinstance(error, socket.gaierror):
        return f"unknown host ({error.strerror})"
    return str(error) or type(error).__name__


# -- output ---------------------------------------------------------------------------------------


def report_exchanges(
    args: argparse.Namespace,
    out: TextIO,
    request: BrowserRequest,
    exchanges: list[Exchange],
    fix: str,
) -> int:
    reasons = request.preflight_reasons
    result = outcome(exchanges)
    report: dict[str, Any] = {
        "ok": result.allowed,
        "origin": request.origin,
        "method": request.method,
        "credentials": request.credentials,
        "same_origin": request.same_origin,
        "preflight": {"needed": bool(reasons), "why": reasons},
        "exchanges": [exchange.as_dict() for exchange in exchanges],
        "standard_ok": result.standard_allowed,
        "verdict": result.verdict,
        "differences": [difference.as_dict() for difference in result.differences],
    }
    if request.same_origin:
        preflight = "not needed: same-origin request (no preflight, no CORS check)"
    else:
        preflight = "needed: " + "; ".join(reasons) if reasons else "not needed"
    lines = [
        f"{request.method} from {request.origin}"
        + (" with credentials" if request.credentials else ""),
        f"preflight: {preflight}",
    ]
    for exchange in exchanges:
        lines.append(f"\n{exchange.request} -> {exchange.status}")
        lines += [f"  {name}: {value}" for name, value in exchange.headers] or ["  (no headers)"]
        if exchange.exposes_response_headers:
            lines.append("  Access-Control-Expose-Headers: (the response's own header names)")
        if exchange.reason:
            lines.append(f"  reason: {exchange.reason}")
        for check in exchange.checks:
            mark = "pass" if check.passed else "FAIL"
            if check.passed != check.standard_passed:
                mark += " today"
            lines.append(f"  [{mark}] {check.name}: {check.message}")
    lines.append(f"\nbrowser: {result.verdict}")
    if fix:
        report["fix"] = fix
        lines.append(f"smallest fix: {fix}")
    emit(args, out, report, "\n".join(lines))
    return EXIT_OK if result.allowed else EXIT_FAIL


def emit(args: argparse.Namespace, out: TextIO, report: dict[str, Any], text: str) -> None:
    print(json.dumps(report, indent=2) if getattr(args, "json", False) else text, file=out)


def problem_list(error: ConfigError) -> list[dict[str, str]]:
    return [problem_json(problem) for problem in error.problems]


def problem_json(problem: Problem) -> dict[str, str]:
    """A problem (error or warning) as ``check --json`` reports it."""
    return {
        "code": problem.code,
        "severity": problem.severity,
        "key": problem.key,
        "value": repr(problem.value),
        "message": problem.message,
    }


def format_value(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(format_value(v) for v in value) if value else "(none)"
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, re.Pattern):
        return str(value.pattern)
    if callable(value):
        return describe_function(value)
    if value == ANY:
        return "*"
    return str(value).lower() if isinstance(value, bool) else str(value)
