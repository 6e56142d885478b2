"""A pytest plugin that changes nothing: Starlette's suite against Starlette itself, the
baseline of ``test_starlette_suite.py``."""
