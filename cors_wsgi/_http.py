"""The HTTP vocabulary of the Fetch standard's safelists, in one place and importing nothing
from the package, so that option parsing (below the core) and the browser model (above it)
read the same words.
"""

from __future__ import annotations

from typing import Final

#: The header of the ``debug`` option: the reason for the answer, in every response.
DEBUG_HEADER: Final = "X-CORS-Reason"

#: Methods browsers upper-case (https://fetch.spec.whatwg.org/#concept-method-normalize).
NORMALISED_METHODS: Final = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})
#: https://fetch.spec.whatwg.org/#cors-safelisted-method
SAFELISTED_METHODS: Final = frozenset({"GET", "HEAD", "POST"})
#: The MIME type essences a safelisted Content-Type may have
#: (https://fetch.spec.whatwg.org/#cors-safelisted-request-header).
SAFELISTED_CONTENT_TYPES: Final = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)


def normalise_method(method: str) -> str:
    """What a browser sends for ``fetch(url, {method})``: ``put`` becomes ``PUT``, ``patch``
    stays ``patch`` (https://fetch.spec.whatwg.org/#concept-method-normalize)."""
    upper = method.upper()
    return upper if upper in NORMALISED_METHODS else method
