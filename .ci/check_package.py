"""Build the sdist and the wheel, run ``twine check --strict`` on them and check the metadata
PyPI shows; exit non-zero on the first problem. Run by .ci/run (needs the ``lint`` group)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
#: Lines the wheel's METADATA must hold.
METADATA = [
    "Requires-Dist: publicsuffixlist",
    "Classifier: Programming Language :: Python :: 3.10",
    "Classifier: Framework :: Flask",
    "Project-URL: Source",
]


def problems(outdir: Path) -> list[str]:
    """What is wrong with the package built into *outdir* (nothing: an empty list)."""
    python = sys.executable
    subprocess.run([python, "-m", "build", "--no-isolation", "--outdir", str(outdir), str(PROJECT)],
                   check=True, timeout=300)  # fmt: skip
    built = sorted(outdir.iterdir(), key=lambda path: path.suffix)
    if [path.suffix for path in built] != [".gz", ".whl"]:
        return [f"expected one sdist and one wheel, built {[p.name for p in built]}"]
    subprocess.run([python, "-m", "twine", "check", "--strict", *map(str, built)],
                   check=True, timeout=120)  # fmt: skip
    with zipfile.ZipFile(built[1]) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    found = [f"METADATA lacks {line!r}" for line in METADATA if line not in metadata]
    if not any(line.startswith("Keywords: ") and "cors," in line for line in metadata.splitlines()):
        found.append("METADATA lacks the keywords")
    if "cors_wsgi/py.typed" not in names:
        found.append("the wheel lacks cors_wsgi/py.typed")
    return found


def main() -> int:
    with tempfile.TemporaryDirectory() as outdir:
        found = problems(Path(outdir))
    for problem in found:
        print(f"package: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
