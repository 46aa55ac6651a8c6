"""Two API processes over shared services, as on two machines: state in PostgreSQL, vectors in
a Chroma server, index files in one data directory. Everything is real: Debian's PostgreSQL,
`chroma run`, and two `policy-assistant serve` processes on their own ports.

What one process does, the other sees: a key made on the command line, a conversation, the
audit trail, the shared rate limit, a revoke, and a new index version from an upload.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.api.conftest import NORMAL_QUESTION, bearer, write_access_corpus
from tests.conftest import REPO, shared_services
from tests.support.services import SharedServices, free_port, wait_for_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def services() -> Iterator[SharedServices]:
    shared = shared_services()
    if shared is not None:
        yield shared
        return
    own = SharedServices().start()
    yield own
    own.stop()


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def two_servers(
    services: SharedServices, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[list[httpx.Client], dict[str, str], str]]:
    root = tmp_path_factory.mktemp("two-processes")
    data = root / "data"
    env = {
        **os.environ,
        "POLICY_ASSISTANT_DATA_DIR": str(data),
        "POLICY_ASSISTANT_EMBEDDING__BACKEND": "fake",
        "POLICY_ASSISTANT_AUTH__ENABLED": "true",
        "POLICY_ASSISTANT_AUTH__CACHE_SECONDS": "0",
        "POLICY_ASSISTANT_AUTH__RATE_LIMIT": "12/minute",
        **services.environment(data),
    }
    cli(env, "ingest", str(write_access_corpus(root / "corpus")))
    admin = json.loads(
        cli(env, "keys", "create", "--role", "admin", "--name", "a", "--json").stdout
    )
    procs, clients = [], []
    for _ in range(2):
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
            env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        procs.append(proc)
        wait_for_port(port, proc, 120, "policy-assistant serve")
        clients.append(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120))
    try:
        yield clients, env, admin["key"]
    finally:
        for client in clients:
            client.close()
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)


def test_state_and_index_are_shared_by_two_processes(
    two_servers: tuple[list[httpx.Client], dict[str, str], str],
) -> None:
    (one, two), _env, admin = two_servers
    auth = bearer(admin)
    # a key made on the command line (straight into PostgreSQL) opens both
    assert one.get("/api/v1/me", headers=auth).json()["role"] == "admin"
    assert two.get("/api/v1/me", headers=auth).json()["role"] == "admin"

    # a conversation started on one process goes on on the other
    first = one.post("/api/v1/ask", json={"question": NORMAL_QUESTION}, headers=auth)
    assert first.status_code == 200, first.text
    cid = first.json()["conversation_id"]
    follow = two.post(
        "/api/v1/ask",
        json={"question": "En in Q2?", "conversation_id": cid},
        headers=auth,
    )
    assert follow.status_code == 200, follow.text
    assert follow.json()["trace"]["conversation"]["turn"] == 2
    # ... and both turns are in the one audit trail, read through either process
    for client in (one, two):
        records = client.get("/api/v1/audit", params={"conversation_id": cid}, headers=auth).json()[
            "records"
        ]
        assert [r["turn"] for r in records] == [2, 1]

    # a new index version made through one process is picked up by the other
    before = two.get("/health").json()["index_version"]
    upload = one.post(
        "/api/v1/documents",
        files={
            "file": (
                "nota-ijsvogel.txt",
                b"Nota ijsvogelbeleid Enschede 2024.\n\n"
                b"In 2024 zijn 321 ijsvogelnestkasten geplaatst in Enschede.\n",
            )
        },
        data={"access": "public"},
        headers=auth,
    )
    assert upload.status_code == 201, upload.text
    after = one.get("/health").json()["index_version"]
    assert after != before and two.get("/health").json()["index_version"] == after
    found = two.get("/api/v1/search", params={"q": "ijsvogelnestkasten"}, headers=auth).json()
    assert found["results"][0]["doc_id"] == upload.json()["doc_id"]


def test_rate_limit_and_revoke_hold_across_processes(
    two_servers: tuple[list[httpx.Client], dict[str, str], str],
) -> None:
    (one, two), env, _ = two_servers
    made = json.loads(
        cli(env, "keys", "create", "--role", "reader", "--name", "r", "--json").stdout
    )
    auth = bearer(made["key"])
    statuses = [(one, two)[i % 2].get("/api/v1/me", headers=auth).status_code for i in range(14)]
    assert statuses == [200] * 12 + [429, 429]  # 12/minute for the key, whichever process
    cli(env, "keys", "revoke", made["key_id"])
    for client in (one, two):
        assert client.get("/api/v1/me", headers=auth).status_code == 401
