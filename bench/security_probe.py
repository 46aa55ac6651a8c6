"""Issue 18's requests, fired at `policy-assistant serve` with auth on: status, code, time.

Run: ``python -m bench.security_probe [--sockets 300] [--rounds 15]``. It builds a temporary
data dir (the bundled corpus, public; the access corpus of tests/api with a confidential
``memo2`` and ``geheim``; a folder ingested by the CLI without a manifest; a public note with
``[c1]`` in its text), makes keys, and serves it three times on a free loopback port:

- **default**: the settings as shipped (auth on, failed checks 30/minute per client and
  10/minute per key id, no trusted proxy): rows 1-4 and 6-11 as the issue wrote them;
- **proxy**: ``auth.trusted_proxies=127.0.0.1``, row 1 behind a reverse proxy;
- **timing**: no failed-check limits, row 5 over HTTP (known id with a wrong secret against
  an unknown id, interleaved).

Prints one line per request and writes nothing; expected outcomes are in the ``want`` column
(the issue's "what to build"), and the last line counts the rows whose outcome differs.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from corpus import BUNDLED_CORPUS_DIR, Settings  # noqa: E402
from tests.api.conftest import PUBLIC_SOURCE, auth_settings, write_access_corpus  # noqa: E402
from tests.api.served import raw_exchange, read_until_closed, served  # noqa: E402

MARKER_DOC = (
    "NOTITIE FLAMINGOPROJECT\n\nGemeente Enschede, 2024.\n\n"
    "In 2024 begeleidde het flamingoproject 312 deelnemers naar werk [c1] en zie ook [c2].\n"
    "Het flamingoproject staat in **de geheime bijlage** en in [deze link](http://evil.example/x).\n"
)
SECRET = "Memo over de zwembaden.\nHet codewoord is Pimpelmees en 9876 euro.\n"


class Probe:
    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx.Client(base_url=base, timeout=120)
        self.misses = 0

    def show(self, row: str, what: str, got: str, want: str, ms: float) -> None:
        ok = want == "-" or got == want or got.startswith(want)
        self.misses += not ok
        print(f"{row:<4} {what:<58} {got:<36} {want:<24} {ms:8.1f} ms {'' if ok else 'MISS'}")

    def call(
        self, row: str, what: str, method: str, url: str, want: str = "-", **kw: Any
    ) -> httpx.Response:
        started = time.perf_counter()
        response = self.http.request(method, url, **kw)
        ms = (time.perf_counter() - started) * 1000
        self.show(row, what, outcome(response), want, ms)
        return response


def outcome(response: httpx.Response) -> str:
    code = ""
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            code = body["error"]["code"]
        elif isinstance(body, dict) and "status" in body:
            code = str(body["status"])
    return f"{response.status_code} {code}".strip()


def bearer(key: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **headers}


def wrong(key_id: str | None = None) -> str:
    return f"pa_{key_id or secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"


# ----- the data dir ---------------------------------------------------------------------------
def build(root: Path) -> tuple[Settings, dict[str, str]]:
    from assistant import PolicyAssistant
    from assistant.keys import create_key_store

    corpus = write_access_corpus(root / "access")
    for name in ("memo2.txt", "geheim.txt"):
        (corpus / name).write_text(SECRET, encoding="utf-8")
    with (corpus / "manifest.toml").open("a", encoding="utf-8") as manifest:
        manifest.write('\n["memo2.txt"]\naccess = "confidential"\n')
        manifest.write('\n["geheim.txt"]\naccess = "confidential"\n')
        manifest.write('\n["flamingo.txt"]\naccess = "public"\n')
    (corpus / "flamingo.txt").write_text(MARKER_DOC, encoding="utf-8")
    bundled = root / "bundled"
    shutil.copytree(BUNDLED_CORPUS_DIR, bundled)
    (bundled / PUBLIC_SOURCE).unlink()  # already in the access corpus (one id, one file)
    settings = auth_settings(root / "data")
    report = PolicyAssistant(settings).ingest([corpus, bundled])
    assert not report.failed, report
    plain = root / "cli-map"  # row 4: a folder without a manifest, through the CLI
    plain.mkdir()
    (plain / "reiskosten.txt").write_text("Notitie reiskosten.\nIn 2024 77 reizigers.\n")
    cli = subprocess.run(
        [sys.executable, "-m", "api.cli", "ingest", str(plain)],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        check=True,
    )
    said = [line for line in cli.stdout.splitlines() if "internal" in line or "public" in line]
    print(f"row 4: `policy-assistant ingest {plain.name}` said: {said}")
    store = create_key_store(settings)
    keys = {
        "reader": store.create("reader", "reader")[1],
        "clerk": store.create("clerk", "clerk")[1],
        "admin": store.create("admin", "admin")[1],
        "admin_internal": store.create("admin", "admin internal", "internal")[1],
        "unused": store.create("reader", "used only once, in row 1")[1],
    }
    return settings, keys


def cli_env(settings: Settings) -> dict[str, str]:
    import os

    from tests.conftest import shared_environment

    return {
        **os.environ,
        "POLICY_ASSISTANT_DATA_DIR": str(settings.data_dir),
        "POLICY_ASSISTANT_EMBEDDING__BACKEND": "fake",
        **shared_environment(settings.data_dir),
    }


@contextmanager
def serving(settings: Settings, **env: str) -> Iterator[Probe]:
    with served(settings.data_dir, AUTH__ENABLED="true", **env) as base:
        yield Probe(base)


# ----- the rows -------------------------------------------------------------------------------
def rows_3_4(p: Probe, keys: dict[str, str]) -> None:
    for name in ("memo2.txt", "geheim.txt"):
        r = p.call(
            "3",
            f"upload {name} public (admin, clearance internal)",
            "POST",
            "/api/v1/documents",
            "201",
            files={"file": (name, b"Nieuwe memo.\nTweede regel.\n")},
            data={"access": "public"},
            headers=bearer(keys["admin_internal"]),
        )
        print(f"       doc_id {r.json().get('doc_id')!r}")
    listed = p.http.get("/api/v1/documents", headers=bearer(keys["reader"])).json()["documents"]
    ids = sorted(d["doc_id"] for d in listed)
    print(f"       reader's /documents: {ids}")
    print(f"       any id ending in -2: {any(i.endswith('-2') for i in ids)}")
    clerk = p.http.get("/api/v1/documents", headers=bearer(keys["clerk"])).json()["documents"]
    access = {d["doc_id"]: d["access"] for d in clerk}
    print(
        f"4      CLI-ingested reiskosten: clerk sees {access.get('reiskosten')!r}, "
        f"reader sees it: {'reiskosten' in ids}"
    )
    p.show("4", "reader does not see the CLI-ingested folder", str("reiskosten" in ids), "False", 0)


def row_6(p: Probe, keys: dict[str, str]) -> None:
    clerk = bearer(keys["clerk"])
    p.call(
        "6",
        "GET /metrics/chart?subject=a",
        "GET",
        "/api/v1/metrics/chart?subject=a",
        "422 too_many_figures",
        headers=clerk,
    )
    p.call("6", "GET /metrics?subject=a", "GET", "/api/v1/metrics?subject=a", "200", headers=clerk)
    p.call(
        "6",
        "GET /metrics?subject=a&format=csv",
        "GET",
        "/api/v1/metrics?subject=a&format=csv",
        "200",
        headers=clerk,
    )
    p.call(
        "6",
        "GET /metrics/chart?subject=loonkostensubsidie (svg)",
        "GET",
        "/api/v1/metrics/chart?subject=loonkostensubsidie&format=svg",
        "200",
        headers=clerk,
    )

    def one(_: int) -> tuple[int, float]:
        started = time.perf_counter()
        r = httpx.get(f"{p.base}/api/v1/metrics/chart?subject=a", headers=clerk, timeout=120)
        return r.status_code, (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        done = list(pool.map(one, range(4)))
    total = (time.perf_counter() - started) * 1000
    p.show(
        "6",
        "4 x chart?subject=a at once (slowest)",
        f"{sorted({s for s, _ in done})}",
        "[422]",
        max(ms for _, ms in done),
    )
    print(f"       all four done in {total:.0f} ms")


def rows_8_9(p: Probe, keys: dict[str, str]) -> None:
    for sent in ("<script>alert(1)</script>", "x" * 20_000, "abc-123"):
        r = p.call(
            "8",
            f"X-Request-ID: {sent[:28]}{'…' if len(sent) > 28 else ''}",
            "GET",
            "/api/v1/me",
            "401 missing_api_key",
            headers={"X-Request-ID": sent},
        )
        echoed = r.headers["x-request-id"]
        print(f"       echoed {echoed[:40]!r} (len {len(echoed)}), in body: {sent in r.text}")
    r = p.call(
        "9",
        "GET /api/v1/documents/ with Host: evil.example",
        "GET",
        "/api/v1/documents/",
        "307",
        headers=bearer(keys["reader"], Host="evil.example"),
    )
    print(f"       Location: {r.headers.get('location')!r}")
    for url in ("/", "/api/v1/metrics/chart?subject=loonkostensubsidie&format=svg"):
        r = p.http.get(url, headers=bearer(keys["clerk"]))
        h = r.headers
        print(
            f"9      {url[:40]:<40} {r.status_code} {h.get('content-type', '')[:14]:<14} "
            f"nosniff={h.get('x-content-type-options')} xfo={h.get('x-frame-options')} "
            f"referrer={h.get('referrer-policy')} csp={h.get('content-security-policy', '')[:40]!r}"
        )
        p.show(
            "9",
            f"  security headers on {url[:36]}",
            str(bool(h.get("content-security-policy") and h.get("x-frame-options"))),
            "True",
            0,
        )


def row_10(p: Probe, keys: dict[str, str]) -> None:
    import re

    r = p.call(
        "10",
        "ask about the note with [c1] in its text",
        "POST",
        "/api/v1/ask",
        headers=bearer(keys["reader"]),
        json={"question": "Hoeveel deelnemers begeleidde het flamingoproject naar werk?"},
    )
    answer = r.json().get("answer", "")
    markers = [
        m
        for line in answer.splitlines()
        for m in [re.findall(r"(?<!\\)\[c\d+\]", line)]
        if len(m) > 1
    ]
    p.show("10", "  lines with more than one live marker", str(len(markers)), "0", 0)
    p.show("10", "  document's [c1] shown escaped", str("\\[c1\\]" in answer), "True", 0)


def row_11(p: Probe, keys: dict[str, str]) -> None:
    admin, reader = bearer(keys["admin"]), bearer(keys["reader"])
    p.call(
        "11",
        "malformed JSON",
        "POST",
        "/api/v1/ask",
        "400 invalid_json",
        content=b'{"question": "x",,}',
        headers={**reader, "Content-Type": "application/json"},
    )
    p.call(
        "11",
        "0-byte .pdf",
        "POST",
        "/api/v1/documents",
        "422 empty_document",
        files={"file": ("leeg.pdf", b"")},
        headers=admin,
    )
    p.call(
        "11",
        "0-byte .txt",
        "POST",
        "/api/v1/documents",
        "422 empty_document",
        files={"file": ("leeg.txt", b"")},
        headers=admin,
    )
    p.call(
        "11",
        'filename=""',
        "POST",
        "/api/v1/documents",
        "422 missing_file_name",
        content=b'--x\r\nContent-Disposition: form-data; name="file"; filename=""\r\n\r\n'
        b"hallo\r\n--x--\r\n",
        headers={**admin, "Content-Type": "multipart/form-data; boundary=x"},
    )
    r = p.call(
        "11",
        "UTF-16 .txt with a BOM",
        "POST",
        "/api/v1/documents",
        "201",
        files={"file": ("utf16.txt", "Notitie.\nIn 2024 42 kraanvogels.\n".encode("utf-16"))},
        data={"access": "public"},
        headers=admin,
    )
    if r.status_code == 201:
        p.http.delete(f"/api/v1/documents/{r.json()['doc_id']}", headers=admin)
    p.call(
        "11",
        "UTF-16 BOM, not UTF-16 after it",
        "POST",
        "/api/v1/documents",
        "422 unsupported_encoding",
        files={"file": ("kapot.txt", b"\xff\xfea\x00b")},
        headers=admin,
    )
    p.call(
        "11",
        "question of zero-width characters",
        "POST",
        "/api/v1/ask",
        "422 empty_question",
        json={"question": "\u200b\u200c\u200d\u2060\ufeff"},
        headers=reader,
    )
    port = int(p.base.rsplit(":", 1)[1])
    for what, request, want in [
        ("200 KB URL (raw socket)", b"GET /api/v1/search?q=" + b"a" * 200_000, "414 uri_too_long"),
        ("100 KB of headers", b"GET /health HTTP/1.1\r\nX-Pad: " + b"p" * 100_000, "431"),
        ("not HTTP", b"GARBAGE\x00 / HTTP/9", "400 bad_request"),
    ]:
        if not request.endswith(b"HTTP/9"):
            request += b" HTTP/1.1\r\nHost: x" if b"HTTP/1.1" not in request else b""
        started = time.perf_counter()
        data, _ = raw_exchange(port, request + b"\r\n\r\n", wait_s=15)
        p.show("11", what, raw_outcome(data), want, (time.perf_counter() - started) * 1000)


def raw_outcome(raw: bytes) -> str:
    """``<status> <code>`` of a raw HTTP response (``<status> text/plain`` when not JSON)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    if not head:
        return "no answer"
    status = head.split(b" ", 2)[1].decode()
    try:
        return f"{status} {json.loads(body)['error']['code']}"
    except (ValueError, KeyError, TypeError):
        return f"{status} (not the error shape)"


def rows_1_2(p: Probe, keys: dict[str, str]) -> None:
    statuses = [
        p.http.get("/api/v1/me", headers=bearer(f"pa_000000000000_{'X' * 24}{i}")).status_code
        for i in range(1, 31)
    ]
    p.show("1", "30 bad keys, key id 000000000000 (statuses)", summary(statuses), "-", 0)
    p.call(
        "1",
        "then the admin key (not used before)",
        "GET",
        "/api/v1/me",
        "200",
        headers=bearer(keys["admin"]),
    )
    statuses = [p.http.get("/api/v1/me", headers=bearer(wrong())).status_code for _ in range(30)]
    p.show("1", "30 more bad keys, a new key id each", summary(statuses), "-", 0)
    p.call(
        "1",
        "then the admin key (verified a moment ago)",
        "GET",
        "/api/v1/me",
        "200",
        headers=bearer(keys["admin"]),
    )
    p.call(
        "1",
        "then a key not used before (same client: locked)",
        "GET",
        "/api/v1/me",
        "429 rate_limited",
        headers=bearer(keys["unused"]),
    )
    statuses = [
        p.http.get(
            "/api/v1/me", headers=bearer(wrong(), **{"X-Forwarded-For": f"10.9.8.{i}"})
        ).status_code
        for i in range(10)
    ]
    p.show("2", "10 bad keys, X-Forwarded-For 10.9.8.i (locked)", summary(statuses), "429 x10", 0)
    p.call(
        "2",
        "X-Forwarded-For: 10.9.8.7 + admin key",
        "GET",
        "/api/v1/me",
        "200",
        headers=bearer(keys["admin"], **{"X-Forwarded-For": "10.9.8.7"}),
    )


def row_1_proxy(p: Probe, keys: dict[str, str]) -> None:
    statuses = [
        p.http.get(
            "/api/v1/me", headers=bearer(wrong(), **{"X-Forwarded-For": "10.9.8.1"})
        ).status_code
        for _ in range(32)
    ]
    p.show("1", "proxy: 32 bad keys from client 10.9.8.1", summary(statuses), "401 x30, 429 x2", 0)
    p.call(
        "1",
        "proxy: admin key from client 10.9.8.2 (not used before)",
        "GET",
        "/api/v1/me",
        "200",
        headers=bearer(keys["admin"], **{"X-Forwarded-For": "10.9.8.2"}),
    )
    p.call(
        "1",
        "proxy: clerk key from client 10.9.8.1 (locked)",
        "GET",
        "/api/v1/me",
        "429 rate_limited",
        headers=bearer(keys["clerk"], **{"X-Forwarded-For": "10.9.8.1"}),
    )


def row_5(p: Probe, keys: dict[str, str], rounds: int) -> None:
    known_id = keys["reader"].split("_")[1]
    kinds: dict[str, Callable[[], str]] = {
        "known id, wrong secret": lambda: wrong(known_id),
        "unknown id": wrong,
    }
    p.http.get("/api/v1/me", headers=bearer(wrong()))  # warm up
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(rounds):
        for kind, make in kinds.items():
            started = time.perf_counter()
            status = p.http.get("/api/v1/me", headers=bearer(make())).status_code
            times[kind].append((time.perf_counter() - started) * 1000)
            assert status == 401, status
    for kind, values in times.items():
        p.show(
            "5",
            f"{kind}: p50 over {rounds} (min {min(values):.0f}, max {max(values):.0f})",
            "401",
            "401",
            statistics.median(values),
        )
    ratio = statistics.median(times["unknown id"]) / statistics.median(
        times["known id, wrong secret"]
    )
    print(f"5      unknown / known p50 ratio: {ratio:.2f}")


def row_7(port: int, n: int, header_timeout: float) -> None:
    sockets = []
    for i in range(n):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if i % 2:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sockets.append(sock)
    started = time.monotonic()
    still_open, answered = 0, 0
    for sock in sockets:
        data, closed = read_until_closed(
            sock, max(0.1, started + header_timeout + 20 - time.monotonic())
        )
        still_open += not closed
        answered += data.startswith(b"HTTP/1.1 408")
        sock.close()
    took = (time.monotonic() - started) * 1000
    print(
        f"7      {n} half-open sockets: {n - still_open} closed by the server, "
        f"{answered} with a 408, {still_open} still open after {took / 1000:.1f} s"
    )
    print(
        f"{'7':<4} {'half-open sockets closed':<58} {still_open == 0!s:<36} {'True':<24} "
        f"{took:8.1f} ms"
    )


def summary(statuses: list[int]) -> str:
    out: list[str] = []
    for status in statuses:
        if out and out[-1].split(" x")[0] == str(status):
            code, count = out[-1].split(" x")
            out[-1] = f"{code} x{int(count) + 1}"
        else:
            out.append(f"{status} x1")
    return ", ".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=300, help="half-open sockets (row 7)")
    parser.add_argument("--rounds", type=int, default=15, help="key checks per kind (row 5)")
    args = parser.parse_args()
    misses = 0
    with tempfile.TemporaryDirectory() as tmp:
        settings, keys = build(Path(tmp))
        print(f"{'row':<4} {'request':<58} {'got':<36} {'want':<24} {'time':>11}")
        with serving(settings) as p:
            print(f"--- serve, default settings ({p.base})")
            rows_3_4(p, keys)
            row_6(p, keys)
            rows_8_9(p, keys)
            row_10(p, keys)
            row_11(p, keys)
            row_7(int(p.base.rsplit(":", 1)[1]), args.sockets, settings.api.header_timeout_s)
            rows_1_2(p, keys)  # last: it locks the loopback address for a minute
            misses += p.misses
        with serving(settings, AUTH__TRUSTED_PROXIES='["127.0.0.1"]') as p:
            print(f"--- serve, auth.trusted_proxies=127.0.0.1 ({p.base})")
            row_1_proxy(p, keys)
            misses += p.misses
        with serving(
            settings, AUTH__FAILED_AUTH_LIMIT="", AUTH__FAILED_KEY_LIMIT="", AUTH__CACHE_SECONDS="0"
        ) as p:
            print(f"--- serve, no failed-check limits ({p.base})")
            row_5(p, keys, args.rounds)
            misses += p.misses
    print(f"rows whose outcome differs from the issue's 'what to build': {misses}")


if __name__ == "__main__":
    main()
