"""``policy-assistant serve``, and the checks it makes before it starts uvicorn: workers need
a Chroma server, auth needs a key."""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

from api.bounds import PORT_MAX, PORT_MIN
from corpus import Settings
from corpus.settings import MAX_REQUEST_HEAD_BYTES

HOST_PATTERN = re.compile(r"[A-Za-z0-9._:\[\]-]{1,253}")


def _check_host(value: str | None) -> str | None:
    if value is not None and not HOST_PATTERN.fullmatch(value):
        raise typer.BadParameter("a host name or an IP address, e.g. 127.0.0.1 or 0.0.0.0")
    return value


def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Bind address (default from settings).", callback=_check_host),
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=PORT_MIN, max=PORT_MAX, help="Port (default from settings).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="Worker processes; more than 1 needs index.backend=http."),
    ] = None,
) -> None:
    """Serve the API (and the chat page) with uvicorn.

    Auth is on whenever the address is not loopback (or POLICY_ASSISTANT_AUTH__ENABLED=true);
    then serve refuses to start until a key exists (`policy-assistant keys create`).
    """
    import os

    import uvicorn

    if host:
        # the app is built in each worker from the environment: tell it where it listens
        os.environ["POLICY_ASSISTANT_API__HOST"] = host
    settings = Settings()
    n_workers = workers or settings.api.workers
    check_can_serve(settings, n_workers)
    typer.echo(f"auth: {'on' if settings.auth_required else 'off'} ({auth_reason(settings)})")
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=settings.api.host,
        port=port or settings.api.port,
        workers=n_workers,
        **uvicorn_options(settings),
    )


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What `serve` sets beyond uvicorn's defaults: the guarded protocol (a deadline and a
    size limit for a request's head, refusals in the error shape), the keep-alive timeout,
    and no proxy headers: uvicorn would trust `X-Forwarded-For` from loopback; the app reads
    it only from `auth.trusted_proxies` (see :mod:`api.security`)."""
    return {
        "http": "api.server_protocol:GuardedHTTPProtocol",
        "proxy_headers": False,
        "forwarded_allow_ips": "",
        "timeout_keep_alive": settings.api.keep_alive_s,
        "h11_max_incomplete_event_size": MAX_REQUEST_HEAD_BYTES + 1,
        "server_header": False,
    }


def check_can_serve(settings: Settings, n_workers: int) -> None:
    """Exit 2 with a clear message when the server could not serve safely."""
    if n_workers > 1 and settings.index.backend != "http":
        typer.secho(
            f"error [embedded_single_process]: --workers {n_workers} needs a Chroma server: the "
            "embedded Chroma (PersistentClient) is single-process. Start `chroma run --path DIR "
            "--host 127.0.0.1 --port 8001` and set POLICY_ASSISTANT_INDEX__BACKEND=http "
            "(see README, 'Several workers').",
            fg="red",
            err=True,
        )
        raise typer.Exit(2)
    if settings.auth_required and n_workers > 1 and settings.auth.rate_limit_storage == "memory://":
        typer.secho(
            f"warning: auth.rate_limit_storage is memory://, so each of the {n_workers} workers "
            "counts on its own; the default database:// shares one limit across them.",
            fg="yellow",
            err=True,
        )
    if settings.auth_required:
        from assistant.keys import create_key_store

        if not any(k.revoked_at is None for k in create_key_store(settings).list_keys()):
            typer.secho(
                f"error [no_api_keys]: auth is on ({auth_reason(settings)}) and there is no "
                "API key yet; create one first:\n"
                "  policy-assistant keys create --role admin --name <who>",
                fg="red",
                err=True,
            )
            raise typer.Exit(2)


def auth_reason(settings: Settings) -> str:
    if settings.auth.enabled:
        return "POLICY_ASSISTANT_AUTH__ENABLED"
    if settings.auth_required:
        return f"forced: {settings.api.host} is not a loopback address"
    return "local single-user mode on loopback"
