"""POST /api/v1/documents and DELETE /api/v1/documents/{doc_id}, and the corpus of bad files."""

from __future__ import annotations

import re
import shutil
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import create_app
from assistant import PolicyAssistant
from assistant.keys import create_key_store
from corpus import BUNDLED_CORPUS_DIR, Settings
from tests.api.bad_files import (
    INJECTION_OUTPUT,
    MB,
    SCRIPT_MARKERS,
    BadFile,
    bad_files,
    pdf_bytes,
)
from tests.api.conftest import NORMAL_QUESTION, PUBLIC_SOURCE, bearer
from tests.api.test_api import assert_error_shape
from tests.conftest import fake_settings

pytestmark = pytest.mark.unit
PUBLIC_ID = PUBLIC_SOURCE.removesuffix(".txt")
LIMITS = {"max_pages": 20, "max_unpacked_bytes": 5 * MB, "max_upload_bytes": 25 * MB}


@dataclass
class Env:
    client: TestClient
    settings: Settings
    admin: dict[str, str]
    reader: dict[str, str]
    corpus: Path

    def upload(
        self, name: str, data: bytes, headers: dict[str, str] | None = None, **form: Any
    ) -> Any:
        return self.client.post(
            "/api/v1/documents",
            files={"file": (name, data)},
            data={k: str(v) for k, v in form.items()},
            headers=self.admin if headers is None else headers,
        )

    def state(self) -> tuple[Any, list[str], str]:
        """The index version, the stored uploads and the uploads manifest."""
        health = self.client.get("/health").json()
        folder = self.settings.uploads_dir
        files = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        manifest = folder / "manifest.toml"
        return health, files, manifest.read_text() if manifest.is_file() else ""


def assert_answers_normally(env: Env) -> None:
    """The service still answers the normal figure question from the public document."""
    body = env.client.post(
        "/api/v1/ask", json={"question": NORMAL_QUESTION}, headers=env.reader
    ).json()
    assert body["status"] in ("answered", "partial"), body
    assert "220" in body["answer"] and body["citations"][0]["doc_id"] == PUBLIC_ID


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    root = tmp_path_factory.mktemp("uploads")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy2(BUNDLED_CORPUS_DIR / PUBLIC_SOURCE, corpus / PUBLIC_SOURCE)
    (corpus / "manifest.toml").write_text(f'["{PUBLIC_SOURCE}"]\naccess = "public"\n')
    settings = fake_settings(
        root / "data",
        api=LIMITS,
        auth={"enabled": True, "rate_limit": "", "failed_auth_limit": "", "failed_key_limit": ""},
        corpus_dirs=[corpus],
    )
    assert not PolicyAssistant(settings).ingest().failed
    store = create_key_store(settings)
    admin, reader = store.create("admin", "admin")[1], store.create("reader", "reader")[1]
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Env(client, settings, bearer(admin), bearer(reader), corpus)


def test_upload_ingests_with_its_metadata_and_a_reingest_keeps_it(env: Env) -> None:
    text = "Nota statushouders Hengelo\n\nIn 2024 vonden 77 statushouders werk via Taalwerk.\n"
    response = env.upload(
        "nota taalwerk.txt",
        text.encode(),
        title="Nota Taalwerk",
        municipality="Hengelo",
        doc_type="nota",
        year=2024,
        access="internal",
    )
    assert response.status_code == 201, response.text
    doc = response.json()
    doc_id = doc["doc_id"]
    assert re.fullmatch(r"nota-taalwerk-[0-9a-f]{8}", doc_id), doc_id  # a random suffix
    assert (doc["source"], doc["title"]) == (f"{doc_id}.txt", "Nota Taalwerk")
    assert (doc["municipality"], doc["year"], doc["access"], doc["figures"]) == (
        "Hengelo",
        2024,
        "internal",
        1,
    )
    stored = env.settings.uploads_dir / f"{doc_id}.txt"
    assert stored.read_text() == text
    manifest = tomllib.loads((env.settings.uploads_dir / "manifest.toml").read_text())
    assert manifest[f"{doc_id}.txt"]["title"] == "Nota Taalwerk"
    found = env.client.get("/api/v1/search", params={"q": "Taalwerk"}, headers=env.admin).json()
    assert found["results"][0]["doc_id"] == doc_id
    hidden = env.client.get("/api/v1/search", params={"q": "Taalwerk"}, headers=env.reader).json()
    assert doc_id not in {r["doc_id"] for r in hidden["results"]}

    # a plain `ingest` (corpus folders + uploads) keeps it, with its metadata; so does --prune
    again = PolicyAssistant(env.settings).ingest(prune=True)
    assert {f.status for f in again.files} == {"unchanged"}
    docs = env.client.get("/api/v1/documents", headers=env.admin).json()["documents"]
    assert {d["doc_id"]: d["title"] for d in docs}[doc_id] == "Nota Taalwerk"


def test_a_stored_upload_is_never_overwritten(env: Env) -> None:
    first = env.upload("dubbel.txt", b"Eerste versie over werk en inkomen.\n", access="public")
    second = env.upload("dubbel.txt", b"Tweede versie over werk en inkomen.\n", access="public")
    assert first.status_code == second.status_code == 201
    names = first.json()["source"], second.json()["source"]
    assert names[0] != names[1]
    assert all(re.fullmatch(r"dubbel-[0-9a-f]{8}\.txt", name) for name in names), names
    # an upload named like a corpus document gets its own id too
    clash = env.upload(PUBLIC_SOURCE, b"Iets anders over werk.\n", access="public")
    assert re.fullmatch(rf"{PUBLIC_ID}-[0-9a-f]{{8}}", clash.json()["doc_id"])
    assert (env.corpus / PUBLIC_SOURCE).read_bytes() == (
        BUNDLED_CORPUS_DIR / PUBLIC_SOURCE
    ).read_bytes()
    # the same bytes under the same name again: an upload of its own (its id, as every upload's,
    # says nothing about the documents already there), and a plain re-ingest changes nothing
    again = env.upload("dubbel.txt", b"Eerste versie over werk en inkomen.\n", access="public")
    assert again.status_code == 201 and again.json()["doc_id"] != first.json()["doc_id"]
    ids = {r.json()["doc_id"] for r in (first, second, clash, again)}
    listed = env.client.get("/api/v1/documents", headers=env.admin).json()["documents"]
    assert ids <= {d["doc_id"] for d in listed}
    reingest = PolicyAssistant(env.settings).ingest()
    assert {f.status for f in reingest.files} == {"unchanged"}
    assert ids <= {f.doc_id for f in reingest.files}
    assert_answers_normally(env)


def test_the_type_comes_from_the_content(env: Env) -> None:
    pdf = env.upload("eigenlijk-een-pdf.txt", pdf_bytes(["Notitie over werkgevers in Enschede."]))
    assert pdf.status_code == 201
    assert re.fullmatch(r"eigenlijk-een-pdf-[0-9a-f]{8}\.pdf", pdf.json()["source"])
    assert pdf.json()["format"] == "pdf"


def test_metadata_is_validated(env: Env) -> None:
    before = env.state()
    for form, code in (
        ({"doc_type": "roman"}, "invalid_metadata"),
        ({"year": "twintig"}, "invalid_request"),
        ({"year": 1800}, "invalid_request"),
        ({"access": "topgeheim"}, "invalid_request"),
        ({"title": "a\x07b"}, "invalid_metadata"),
    ):
        assert_error_shape(env.upload("meta.txt", b"Tekst over werk.\n", **form), 422, code)
    assert env.state() == before


def test_an_admin_cannot_add_documents_above_its_clearance(env: Env) -> None:
    limited = create_key_store(env.settings).create("admin", "beperkt", "internal")[1]
    response = env.upload(
        "geheim.txt", b"Geheim.\n", headers=bearer(limited), access="confidential"
    )
    assert_error_shape(response, 403, "access_above_clearance")


def test_delete_removes_chunks_figures_and_the_upload(env: Env) -> None:
    doc = env.upload("weg.txt", b"In 2024 kregen 55 jongeren een Startbaan in Enschede.\n")
    assert doc.status_code == 201
    doc_id = doc.json()["doc_id"]
    before = env.client.get("/health").json()
    response = env.client.delete(f"/api/v1/documents/{doc_id}", headers=env.admin)
    assert response.status_code == 200 and response.json()["doc_id"] == doc_id
    after = env.client.get("/health").json()
    assert after["documents"] == before["documents"] - 1
    assert after["chunks"] == before["chunks"] - doc.json()["chunks"]
    assert after["figures"] == before["figures"] - doc.json()["figures"]
    assert after["index_version"] != before["index_version"]
    assert not (env.settings.uploads_dir / f"{doc_id}.txt").exists()
    assert doc_id not in (env.settings.uploads_dir / "manifest.toml").read_text()
    search = env.client.get("/api/v1/search", params={"q": "Startbaan"}, headers=env.admin)
    assert doc_id not in {r["doc_id"] for r in search.json()["results"]}
    assert_error_shape(
        env.client.delete(f"/api/v1/documents/{doc_id}", headers=env.admin),
        404,
        "document_not_found",
    )
    assert PolicyAssistant(env.settings).ingest().documents == after["documents"]


def test_a_failed_upload_leaves_nothing_behind(env: Env) -> None:
    before = env.state()
    response = env.upload("kapot.pdf", b"%PDF-1.4\nkapot\n%%EOF")
    assert_error_shape(response, 422, "corrupt_document")
    assert env.state() == before
    assert not any(p.name.endswith(".part") for p in env.settings.uploads_dir.iterdir())


@pytest.mark.parametrize(
    "bad",
    bad_files(LIMITS["max_upload_bytes"], LIMITS["max_pages"], LIMITS["max_unpacked_bytes"]),
    ids=lambda b: b.name,
)
def test_bad_files_get_a_clear_answer_and_the_service_still_answers(env: Env, bad: BadFile) -> None:
    before = env.state()
    response = env.upload(bad.file_name, bad.data)
    assert response.status_code == bad.status, response.text[:300]
    if bad.code:
        assert_error_shape(response, bad.status, bad.code)
        assert len(response.json()["error"]["message"]) > 20
        assert env.state() == before  # nothing stored, no new index version
    else:
        _check_accepted(env, bad, response.json())
    assert_answers_normally(env)


def _check_accepted(env: Env, bad: BadFile, doc: dict[str, Any]) -> None:
    stored = env.settings.uploads_dir / doc["source"]
    assert stored.resolve().parent == env.settings.uploads_dir.resolve() and stored.is_file()
    passage = env.client.get(f"/api/v1/documents/{doc['doc_id']}/passage", headers=env.admin)
    text = passage.json()["text"]
    if bad.name == "non-utf8-text":
        assert "coördinatie van één café-overleg" in text and "€ 1.250" in text
    if bad.name == "html-with-scripts":
        assert "Schuldenloket" in text
        assert not any(m in text for m in SCRIPT_MARKERS), text
    if bad.name == "path-traversal-name":
        assert re.fullmatch(r"evil-[0-9a-f]{8}\.txt", doc["source"]), doc["source"]
    if bad.name == "prompt-injection":
        # the text is data: quoted when relevant, never obeyed by the (extractive) writer
        answer = env.client.post(
            "/api/v1/ask", json={"question": NORMAL_QUESTION}, headers=env.admin
        ).json()
        assert not any(m in answer["answer"] for m in INJECTION_OUTPUT)
