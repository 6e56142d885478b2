"""Moving from another CORS library: its configuration in, cors_wsgi options out, with a note
for every place where the meaning differs.

One module per peer. Each ``from_*`` function takes the peer's configuration as its users
write it and returns a :class:`Migration`: the options (the peer's defaults carried over
explicitly, since cors_wsgi's are stricter), per-path sections where the peer had path rules,
the notes, and the entries that cannot be carried over safely with what to write instead. Each
``config_of`` finds that configuration in what a user names on the command line (an app, a
settings module, a dict). ``python -m cors_wsgi migrate`` prints :meth:`Migration.to_ini`; the
drop-ins translate with the same functions, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from . import django, flask_cors, starlette, wsgicors
from ._common import Migration
from .django import from_django
from .flask_cors import from_flask_cors
from .starlette import from_starlette
from .wsgicors import from_wsgicors

__all__ = [
    "PEERS",
    "Migration",
    "Peer",
    "from_django",
    "from_flask_cors",
    "from_starlette",
    "from_wsgicors",
]


@dataclass(frozen=True)
class Peer:
    """A library ``migrate`` reads: how to find its configuration in an imported object, and
    how to translate it."""

    #: The configuration in what the user named (an app, a settings module, a dict); raises
    #: ``TypeError`` with what was expected when it holds none.
    config_of: Callable[[object], Any]
    translate: Callable[[Any], Migration]


#: ``python -m cors_wsgi migrate <peer>``.
PEERS: Final[dict[str, Peer]] = {
    "flask-cors": Peer(flask_cors.config_of, from_flask_cors),
    "django": Peer(django.config_of, from_django),
    "starlette": Peer(starlette.config_of, from_starlette),
    "wsgicors": Peer(wsgicors.config_of, from_wsgicors),
}
