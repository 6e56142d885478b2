"""Sphinx configuration of the cors_wsgi documentation site (Furo theme, Markdown through MyST).

Build it strictly, as CI does: ``sphinx-build -W --keep-going -b html docs docs/_build/html``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))  # the generated references (cors_docs)
sys.path.insert(0, str(HERE.parent))  # the package, when it is not installed

from cors_wsgi import __version__  # noqa: E402

project = "cors_wsgi"
author = "cors_wsgi contributors"
copyright = "cors_wsgi contributors"
version = release = __version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "cors_docs"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_ext"]
# Links to headings inside a page (#cross-origin-request-protection) resolve, as on GitHub.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

html_theme = "furo"
html_title = f"cors_wsgi {__version__}"

autodoc_member_order = "bysource"
autodoc_typehints = "description"
