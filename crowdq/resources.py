"""Where crowdq finds the folders that live outside the package: `templates/` and `migrations/`.

In the source tree (and an editable install, which runs from it) they sit beside the package at the top of
the repository. A wheel carries them inside the package instead (`pyproject.toml` maps them to
`crowdq/templates` and `crowdq/migrations`), so an installed copy needs no checkout.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder `name`: inside the installed package first, else beside it in the source tree."""
    for candidate in (PACKAGE_DIR / name, PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"crowdq: no {name}/ folder in {PACKAGE_DIR} or {PACKAGE_DIR.parent}")
