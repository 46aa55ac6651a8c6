"""`compose.yaml` and the `Dockerfile` describe the documented multi-worker deployment.

No container engine runs in CI, so nothing is built here: the files are parsed and checked
against the code (commands that exist and parse, settings that exist and validate)."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from importlib.metadata import version
from typing import Any

import pytest
import typer
import yaml
from typer.core import TyperGroup
from typer.main import get_command

from api.cli import app as cli_app
from api.settings_doc import PREFIX, iter_settings
from corpus import Settings
from tests.conftest import REPO

pytestmark = pytest.mark.unit
COMPOSE = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
DOCKERFILE = (REPO / "Dockerfile").read_text(encoding="utf-8")
SETTING_NAMES = {env for env, *_ in iter_settings()}


def parse_cli(args: list[str]) -> typer.Context:
    """Parse ``policy-assistant <args>`` as the real command would (a usage error if wrong)."""
    command: Any = get_command(cli_app)
    parent: typer.Context | None = None
    name = "policy-assistant"
    while isinstance(command, TyperGroup):
        assert args, f"{name} needs a subcommand"
        parent = typer.Context(command, info_name=name, parent=parent)
        name, args = args[0], args[1:]
        sub = command.get_command(parent, name)
        assert sub is not None, f"no command `{name}`"
        command = sub
    return command.make_context(name, list(args), parent=parent)  # type: ignore[no-any-return]


def cli_calls(command: list[str]) -> list[list[str]]:
    """The policy-assistant invocations in a container command (exec form or `sh -c`)."""
    if command[:2] == ["sh", "-c"]:
        steps = [shlex.split(part) for part in command[2].split("&&")]
    else:
        steps = [command]
    assert all(step[0] == "policy-assistant" for step in steps), steps
    return [step[1:] for step in steps]


def env_settings(env: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in env:
        assert name in SETTING_NAMES, f"unknown setting {name}"
        monkeypatch.setenv(name, str(env[name]).replace("${POSTGRES_PASSWORD:-change-me}", "pw"))
    return Settings(_env_file=None)  # type: ignore[call-arg]


def dockerfile_env() -> dict[str, str]:
    """The image's POLICY_ASSISTANT_* environment."""
    block = re.search(r"^ENV (.*?)(?=^\S)", DOCKERFILE, re.M | re.S)
    assert block
    pairs = dict(p.split("=", 1) for p in block.group(1).replace("\\\n", " ").split())
    return {name: value for name, value in pairs.items() if name.startswith(PREFIX)}


def test_compose_runs_replicas_over_postgres_and_chroma(monkeypatch: pytest.MonkeyPatch) -> None:
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "chroma", "ingest", "api", "proxy"}
    chroma, api, ingest = services["chroma"], services["api"], services["ingest"]
    assert chroma["image"].startswith("chromadb/chroma:")  # Chroma's own image
    assert chroma["image"].split(":")[1] == version("chromadb")  # the client's version
    assert services["postgres"]["image"].startswith("postgres:")
    chroma_port = int(chroma["command"][chroma["command"].index("--port") + 1])

    assert [c[0] for c in cli_calls(ingest["command"])] == ["ingest"]
    serve = parse_cli(cli_calls(api["command"])[0]).params
    assert serve["host"] == "0.0.0.0"
    assert str(api["deploy"]["replicas"]).startswith("${API_REPLICAS:-")
    assert "ports" not in api  # clients come through the proxy

    for name in ("api", "ingest"):
        settings = env_settings({**dockerfile_env(), **services[name]["environment"]}, monkeypatch)
        assert settings.index.backend == "http"  # several processes need the Chroma server
        assert settings.index.chroma_host == "chroma" and settings.index.chroma_port == chroma_port
        assert settings.database_url and "@postgres:5432/" in settings.database_url
        assert settings.auth.rate_limit_storage == "database://"  # one limit for all replicas
    port = serve["port"] or settings.api.port
    assert f"{port}:8000" in services["proxy"]["ports"]
    assert api["depends_on"]["ingest"]["condition"] == "service_completed_successfully"
    for dependency in ("postgres", "chroma"):
        assert ingest["depends_on"][dependency]["condition"] == "service_healthy"
    assert services["proxy"]["depends_on"]["api"]["condition"] == "service_healthy"
    proxy_conf = (REPO / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert f"server api:{port}" in proxy_conf and "proxy_pass http://policy_assistant" in proxy_conf


def test_compose_shares_the_data_volume_and_checks_health(monkeypatch: pytest.MonkeyPatch) -> None:
    services = COMPOSE["services"]
    settings = env_settings({**dockerfile_env(), **services["api"]["environment"]}, monkeypatch)
    mounts = {
        name: dict(v.split(":", 1)[::-1] for v in s.get("volumes", []))
        for name, s in services.items()
    }
    data_dir = str(settings.data_dir)
    # every API replica and the ingest read and write the same index versions
    assert mounts["api"][data_dir] == mounts["ingest"][data_dir] in COMPOSE["volumes"]
    assert (settings.data_dir / "index").is_relative_to(data_dir)
    for name, service in services.items():
        if name == "ingest":  # a one-shot job
            continue
        check = service["healthcheck"]
        assert check["test"][0] == "CMD" and check["retries"] >= 1, name
    assert "/health" in " ".join(services["api"]["healthcheck"]["test"])
    assert "/health" in " ".join(services["proxy"]["healthcheck"]["test"])
    assert "/heartbeat" in " ".join(services["chroma"]["healthcheck"]["test"])
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]


def test_dockerfile_cmd_and_cpu_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    cmd = re.search(r"^CMD (.+)$", DOCKERFILE, re.M)
    assert cmd
    calls = cli_calls(json.loads(cmd.group(1)))
    assert [c[0] for c in calls] == ["ingest", "serve"]
    for call in calls:
        parse_cli(call)
    assert re.search(r"^RUN policy-assistant prepare$", DOCKERFILE, re.M)
    assert re.search(r"^HEALTHCHECK .*\n?.*/health", DOCKERFILE, re.M)
    env_settings(dockerfile_env(), monkeypatch)

    pin = next(
        d
        for d in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
        if d.startswith("torch")
    )
    torch = re.search(r"^RUN pip install (.*torch\S*)$", DOCKERFILE, re.M)
    assert torch and pin in torch.group(1).split()  # the version the package pins
    assert "--index-url https://download.pytorch.org/whl/cpu" in torch.group(1)
    # the lock holds the same torch, as its CPU build; the image installs the runtime lock
    runtime = (REPO / "requirements" / "runtime.txt").read_text(encoding="utf-8")
    assert re.search(rf"^{re.escape(pin)}\+cpu ", runtime, re.M)
    locked = "RUN pip install --require-hashes -r requirements/runtime.txt"
    project = "RUN pip install --no-deps ."
    assert DOCKERFILE.index(torch.group(0)) < DOCKERFILE.index(locked) < DOCKERFILE.index(project)


@pytest.mark.parametrize(
    "args",
    [["serve", "--workers", "0"], ["serve", "--workers", "x"], ["nope"], ["keys", "nope"]],
)
def test_parse_cli_refuses_bad_commands(args: list[str]) -> None:
    with pytest.raises((typer.TyperException, AssertionError)):
        parse_cli(args)
