"""Checks `serve` makes before it starts uvicorn: workers need a Chroma server, auth needs a key."""

from __future__ import annotations

import typer

from corpus import Settings


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
            "counts on its own; the default sqlite:// shares one limit across them.",
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
