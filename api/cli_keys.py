"""``policy-assistant keys create|list|revoke``: API keys with roles, stored hashed."""

from __future__ import annotations

import json
import time
from typing import Annotated, NoReturn

import typer

from corpus import PolicyAssistantError, Settings

keys_app = typer.Typer(help="Manage API keys (roles reader, clerk, admin).", no_args_is_help=True)


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option(help="reader, clerk or admin.")],
    name: Annotated[str, typer.Option(help="Who or what uses the key.")],
    clearance: Annotated[
        str | None,
        typer.Option(
            help="Highest access level it reads: public, internal or confidential "
            "(default: reader public, clerk internal, admin confidential)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create a key. It is shown once: store it now; only a hash is kept."""
    from assistant.keys import create_key_store

    try:
        record, key = create_key_store(Settings()).create(role, name, clearance)  # type: ignore[arg-type]
    except PolicyAssistantError as exc:
        fail(exc)
    if as_json:
        typer.echo(json.dumps({**record.to_dict(), "key": key}, ensure_ascii=False))
        return
    typer.echo(f"created key {record.key_id} ({record.role}, clearance {record.clearance})")
    typer.echo("the key (shown only now; send it as `Authorization: Bearer <key>`):")
    typer.echo(key)


@keys_app.command("list")
def keys_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List keys (never the keys themselves)."""
    from assistant.keys import create_key_store

    records = create_key_store(Settings()).list_keys()
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in records], ensure_ascii=False))
        return
    for r in records:
        created = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.created_at))
        state = "revoked" if r.revoked_at else "active"
        typer.echo(f"{r.key_id}  {r.role:<6} {r.clearance:<12} {state:<7} {created}  {r.name}")
    if not records:
        typer.echo("no keys")


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key id (12 hex digits).")]) -> None:
    """Revoke a key; every server refuses it from the next request on."""
    from assistant.keys import create_key_store

    try:
        record = create_key_store(Settings()).revoke(key_id)
    except PolicyAssistantError as exc:
        fail(exc)
    typer.echo(f"revoked key {record.key_id} ({record.role}, {record.name})")


def fail(exc: PolicyAssistantError) -> NoReturn:
    """A typed error as one red line on stderr, exit code 2 (no traceback)."""
    typer.secho(error_line(exc.code, exc.message), fg="red", err=True)
    raise typer.Exit(2)


def error_line(code: str, message: str) -> str:
    """``error [code]: message`` on one line: control characters (a newline or an escape
    sequence echoed from the input) are shown escaped, never sent to the terminal."""
    text = "".join(
        c if c.isprintable() or c == " " else c.encode("unicode_escape").decode() for c in message
    )
    return f"error [{code}]: {text}"
