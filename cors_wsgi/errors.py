"""The configuration error cors_wsgi raises, kept apart so every module can import it."""

from __future__ import annotations

from typing import NamedTuple


class Problem(NamedTuple):
    """One thing wrong with a configuration: the key, the offending value and why."""

    key: str
    value: object
    message: str

    def __str__(self) -> str:
        return f"{self.key} = {self.value!r}: {self.message}"


class ConfigError(ValueError):
    """A CORS policy or its configuration is invalid.

    Raised when a policy or middleware is built, never while serving. ``problems`` lists every
    problem found (not only the first), each naming the key and the bad value.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        lines = [str(problem) for problem in self.problems]
        if len(lines) == 1:
            super().__init__(lines[0])
        else:
            super().__init__(f"{len(lines)} problems:\n  " + "\n  ".join(lines))
