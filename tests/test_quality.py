"""The code base stays ruff-clean, ruff-formatted and mypy --strict clean."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .servers import PROJECT


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["ruff", "check", "."], id="ruff check"),
        pytest.param(["ruff", "format", "--check", "."], id="ruff format"),
        pytest.param(["mypy"], id="mypy --strict"),
    ],
)
def test_static_checks(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=PROJECT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_builds_and_its_readme_renders(tmp_path: Path) -> None:
    """The sdist and wheel build, carry the metadata PyPI shows, and pass ``twine check``."""
    build = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path), str(PROJECT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout + build.stderr
    built = sorted((str(path) for path in tmp_path.iterdir()), key=lambda p: Path(p).suffix)
    assert [Path(p).suffix for p in built] == [".gz", ".whl"]
    check = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *built],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    with zipfile.ZipFile(built[1]) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(name).decode()
    assert "Requires-Dist: publicsuffixlist" in metadata
    assert "Classifier: Programming Language :: Python :: 3.10" in metadata
    assert "Classifier: Framework :: Flask" in metadata
    assert "Project-URL: Source" in metadata
    assert "Keywords: " in metadata and "cors," in metadata
    assert "cors_wsgi/py.typed" in zipfile.ZipFile(built[1]).namelist()
