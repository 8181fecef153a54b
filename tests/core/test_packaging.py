"""crowdq installs as a package: editable (`pip install -e .`, what `make` does) and as a built wheel.

Each install goes into a new virtual environment that borrows the already-installed dependencies of the
running one through a `.pth` file, so nothing is downloaded: `--no-deps --no-build-isolation --no-index`.
The app is then run from an empty folder, so nothing can come from the checkout by accident.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from packaging.requirements import Requirement
from packaging.version import Version

# Installs and builds do not depend on the database: they run in the SQLite pass only.
pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
CATALOGUE = ROOT / "crowdq/translations/nl/LC_MESSAGES/messages.mo"
# What a wheel is built from: everything else in the checkout stays out of it.
BUILD_INPUTS = ("pyproject.toml", "README.md", "config.py", "wsgi.py", "crowdq", "templates", "migrations")
# Nothing is downloaded: dependencies and the build backend come from the running environment.
OFFLINE = ("-q", "--no-deps", "--no-build-isolation", "--no-index")

# Run inside the installed environment: where everything is found, as JSON.
PROBE = """
import json
from alembic.script import ScriptDirectory
from flask_babel import force_locale, gettext
import config, crowdq
from crowdq import create_app
from crowdq.cli import MIGRATIONS

app = create_app()
with app.test_request_context():
    for name in ("base.html", "questions/show.html", "mail/confirm.txt"):
        app.jinja_env.get_template(name)
    css = app.send_static_file("crowdq.css")
    css.direct_passthrough = False
    with force_locale("nl"):
        dutch = gettext("Questions")
print(json.dumps({
    "package": crowdq.__file__,
    "config": config.__file__,
    "templates": app.jinja_loader.searchpath,
    "static": app.static_folder,
    "css_bytes": len(css.get_data()),
    "dutch": dutch,
    "migrations": str(MIGRATIONS),
    "revisions": sorted(s.revision for s in ScriptDirectory(str(MIGRATIONS)).walk_revisions()),
    "instance": app.instance_path,
    "database": app.config["DATABASE_URL"],
}))
"""


def clean_env() -> dict[str, str]:
    """The environment without anything that would point Python or Flask back at the checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "FLASK_", "CROWDQ_")) and k not in {"DATABASE_URL", "VIRTUAL_ENV"}
    }
    return env | {"CROWDQ_ENV": "development", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def run(args: list, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result


def new_environment(path: Path) -> Path:
    """A virtual environment that sees the running interpreter's packages (pip, setuptools, Flask, ...)."""
    if importlib.util.find_spec("pip") is None:
        pytest.skip("pip is not installed in the running environment")
    made = subprocess.run([sys.executable, "-m", "venv", "--without-pip", path], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot create a virtual environment: {made.stderr.strip()}")
    python = path / "bin" / "python"
    site_packages = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], path)
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    Path(site_packages.stdout.strip(), "_running_environment.pth").write_text("\n".join(ours) + "\n")
    found = run([python, "-c", "import pip, setuptools; print(setuptools.__version__)"], path).stdout.strip()
    # setuptools 70.1 and later build wheels on their own (before, the separate `wheel` package was needed).
    assert Version(found) >= Version("70.1"), f"setuptools {found} cannot build crowdq: make test installs >=70.1"
    return python


def probe(python: Path, cwd: Path) -> dict:
    return json.loads(run([python, "-c", PROBE], cwd).stdout)


def revisions_in_checkout() -> list[str]:
    return sorted(s.revision for s in ScriptDirectory(str(ROOT / "migrations")).walk_revisions())


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory) -> Path:
    """An empty working directory outside the checkout."""
    assert CATALOGUE.is_file(), "compile the catalogues first: make test does (pybabel compile -d crowdq/translations)"
    return tmp_path_factory.mktemp("elsewhere")


@pytest.fixture(scope="module")
def editable(tmp_path_factory, elsewhere) -> Path:
    python = new_environment(tmp_path_factory.mktemp("editable") / "venv")
    run([python, "-m", "pip", "install", *OFFLINE, "--ignore-installed", "--editable", ROOT], elsewhere)
    return python


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, elsewhere) -> tuple[Path, Path]:
    """(python, wheel file): a wheel built from a copy of the build inputs and installed in a new environment."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    python = new_environment(base / "venv")
    run([python, "-m", "pip", "wheel", *OFFLINE, "--wheel-dir", base / "dist", source], elsewhere)
    (built,) = (base / "dist").glob("crowdq-*.whl")
    run([python, "-m", "pip", "install", *OFFLINE, "--ignore-installed", built], elsewhere)
    return python, built


@pytest.mark.parametrize("app", ["crowdq", "wsgi"])
def test_flask_finds_the_app_of_an_editable_install_from_any_folder(editable, elsewhere, app):
    routes = run([editable, "-m", "flask", "--app", app, "routes"], elsewhere).stdout
    assert "questions.index" in routes and "static" in routes


def test_editable_install_runs_from_the_checkout_and_finds_every_resource(editable, elsewhere):
    found = probe(editable, elsewhere)
    assert found["package"] == str(ROOT / "crowdq" / "__init__.py")
    assert found["config"] == str(ROOT / "config.py")
    assert found["templates"] == [str(ROOT / "templates")]
    assert found["static"] == str(ROOT / "crowdq" / "static") and found["css_bytes"] > 0
    assert found["dutch"] == "Vragen"
    assert found["migrations"] == str(ROOT / "migrations")
    assert found["revisions"] == revisions_in_checkout() != []
    # `make run` keeps its database in the checkout's instance folder.
    assert found["instance"] == str(ROOT / "instance")
    assert found["database"] == f"sqlite:///{ROOT / 'instance' / 'crowdq.db'}"


def test_wheel_holds_the_package_with_its_templates_and_migrations_and_nothing_else(wheel):
    _python, built = wheel
    names = zipfile.ZipFile(built).namelist()
    top_level = {name.split("/")[0] for name in names if not name.startswith("crowdq-")}
    assert top_level == {"crowdq", "config.py", "wsgi.py"}
    assert {"crowdq/templates/base.html", "crowdq/migrations/env.py", "crowdq/migrations/script.py.mako"} <= set(names)
    assert "crowdq/translations/nl/LC_MESSAGES/messages.mo" in names
    assert "crowdq/accounts/common-passwords.txt.gz" in names
    assert not [name for name in names if "__pycache__" in name]


def test_wheel_install_runs_without_the_checkout(wheel, elsewhere):
    python, _built = wheel
    assert run([python, "-m", "flask", "--app", "crowdq", "routes"], elsewhere).stdout.count("questions.") > 3
    found = probe(python, elsewhere)
    site_packages = Path(found["package"]).parent.parent
    assert site_packages.name == "site-packages" and not site_packages.is_relative_to(ROOT)
    assert found["templates"] == [str(site_packages / "crowdq" / "templates")]
    assert found["static"] == str(site_packages / "crowdq" / "static") and found["css_bytes"] > 0
    assert found["dutch"] == "Vragen"
    assert found["migrations"] == str(site_packages / "crowdq" / "migrations")
    assert found["revisions"] == revisions_in_checkout()
    # The default database follows Flask's instance folder: <venv>/var/crowdq-instance, not site-packages.
    venv = python.parent.parent
    assert found["instance"] == str(venv / "var" / "crowdq-instance")
    run([python, "-m", "flask", "--app", "wsgi", "crowdq", "upgrade"], elsewhere)
    assert (venv / "var" / "crowdq-instance" / "crowdq.db").is_file()
    assert not list(site_packages.rglob("*.db"))


def test_pyproject_lists_every_package_under_crowdq():
    """The package list is written out (a wheel maps templates/ and migrations/ into crowdq/): keep it whole."""
    setuptools_config = PYPROJECT["tool"]["setuptools"]
    listed = set(setuptools_config["packages"])
    from_top_level = {"crowdq.templates", "crowdq.migrations", "crowdq.migrations.versions"}
    on_disk = {
        ".".join(folder.relative_to(ROOT).parts)
        for folder in [ROOT / "crowdq", *(ROOT / "crowdq").rglob("*")]
        if folder.is_dir() and "__pycache__" not in folder.parts and any(folder.glob("*.py"))
    }
    missing, stale = on_disk - listed, listed - on_disk - from_top_level
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"
    assert not stale, f"remove {sorted(stale)} from [tool.setuptools] packages in pyproject.toml"
    assert from_top_level <= listed
    assert setuptools_config["package-dir"] == {"crowdq.templates": "templates", "crowdq.migrations": "migrations"}


@pytest.mark.parametrize(
    ("pins", "declared"),
    [("requirements.txt", ("dependencies",)), ("requirements-dev.txt", ("optional-dependencies", "dev"))],
)
def test_pinned_requirements_fall_in_the_declared_ranges(pins, declared):
    ranges = PYPROJECT["project"]
    for key in declared:
        ranges = ranges[key]
    wanted = {canonical(Requirement(line).name): Requirement(line) for line in ranges}
    pinned = [
        Requirement(line)
        for line in (ROOT / pins).read_text().splitlines()
        if line.strip() and not line.startswith(("#", "-r"))
    ]
    assert {canonical(r.name) for r in pinned} <= set(wanted), f"{pins} pins a package pyproject.toml lacks"
    for requirement in pinned:
        (version,) = [spec.version for spec in requirement.specifier]
        declared_range = wanted[canonical(requirement.name)]
        assert declared_range.specifier.contains(version), f"{requirement} is outside {declared_range}"
        assert requirement.extras == declared_range.extras, f"{requirement} and {declared_range} differ in extras"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
