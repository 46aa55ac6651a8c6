"""Fixtures for the API tests: ``client``, the app over the bundled corpus with its figures table
(fake embedder; a module may override it), and for auth, access levels and uploads a small corpus
with one public, one internal and one confidential document, ingested with the fake embedder, and
keys for every role."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from corpus import BUNDLED_CORPUS_DIR, Settings
from tests.conftest import fake_settings

PUBLIC_SOURCE = "001_2e26a5924f710f99.txt"  # the bundled Enschede programme 2025 (LKS figures)
NORMAL_QUESTION = "Hoeveel LKS-contracten zijn er in Q3 gestart?"


@dataclass(frozen=True)
class SecretDoc:
    """A document above public, with markers that must never reach a key without clearance."""

    source: str
    access: str
    title: str
    question: str  # finds the document when it may be seen
    subject: str  # a figure subject in it
    markers: tuple[str, ...]  # doc id, title, a figure and a codeword; never in a question
    text: str

    @property
    def doc_id(self) -> str:
        return self.source.removesuffix(".txt")


INTERNAL = SecretDoc(
    source="intern-zwemvaardigheid.txt",
    access="internal",
    title="Interne notitie zwemvaardigheid statushouders",
    question="Hoeveel zwemleerlingen haalden een zwemdiploma in Enschede?",
    subject="zwemleerlingen",
    markers=(
        "intern-zwemvaardigheid",
        "Interne notitie zwemvaardigheid",
        "4321",
        "4.321",
        "Watervlinder",
    ),
    text="""INTERNE NOTITIE ZWEMVAARDIGHEID

Gemeente Enschede, afdeling Werk en Inkomen, 2024.

In 2024 haalden 4321 zwemleerlingen in Enschede een zwemdiploma via het project Watervlinder.
Het project Watervlinder begeleidt statushouders naar zwemles en daarna naar werk in de recreatie.
Het budget van het project Watervlinder bedroeg in 2024 in totaal 2,7 miljoen euro.
Deze notitie is bedoeld voor intern gebruik door medewerkers van de gemeente Enschede.
""",
)
CONFIDENTIAL = SecretDoc(
    source="vertrouwelijk-kraanvogel.txt",
    access="confidential",
    title="Vertrouwelijk dossier kraanvogelcontracten Hengelo",
    question="Hoeveel kraanvogelcontracten zijn er afgesloten in Hengelo?",
    subject="kraanvogelcontracten",
    markers=("vertrouwelijk-kraanvogel", "Vertrouwelijk dossier", "8765", "8.765", "Oeverzwaluw"),
    text="""VERTROUWELIJK DOSSIER KRAANVOGELCONTRACTEN

Gemeente Hengelo, college van B&W, 2023.

In 2023 zijn 8765 kraanvogelcontracten afgesloten in Hengelo onder het Oeverzwaluwakkoord.
De kraanvogelcontracten van het Oeverzwaluwakkoord lopen tot en met 2026 in de gemeente Hengelo.
De kosten van de kraanvogelcontracten bedroegen in 2023 in totaal 5,4 miljoen euro.
Dit dossier is vertrouwelijk en alleen bestemd voor het college van de gemeente Hengelo.
""",
)
SECRET_DOCS = (INTERNAL, CONFIDENTIAL)
ALLOWED = {
    "public": ("public",),
    "internal": ("public", "internal"),
    "confidential": ("public", "internal", "confidential"),
}


@pytest.fixture(scope="module")
def client(built_figure_index: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(built_figure_index), raise_server_exceptions=False) as c:
        yield c


def write_access_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(BUNDLED_CORPUS_DIR / PUBLIC_SOURCE, folder / PUBLIC_SOURCE)
    manifest = [f'["{PUBLIC_SOURCE}"]\naccess = "public"\n']
    for doc in SECRET_DOCS:
        (folder / doc.source).write_text(doc.text, encoding="utf-8")
        manifest.append(f'["{doc.source}"]\ntitle = "{doc.title}"\naccess = "{doc.access}"\n')
    (folder / "manifest.toml").write_text("\n".join(manifest), encoding="utf-8")
    return folder


def auth_settings(data_dir: Path, **auth: object) -> Settings:
    return fake_settings(
        data_dir,
        auth={
            "enabled": True,
            "rate_limit": "",
            "failed_auth_limit": "",
            "failed_key_limit": "",
            **auth,
        },
    )


@dataclass(frozen=True)
class Keys:
    reader: str
    clerk: str
    admin: str
    admin_public: str  # an admin whose clearance is lowered to public
    revoked: str

    def by_role(self) -> dict[str, str]:
        return {"reader": self.reader, "clerk": self.clerk, "admin": self.admin}


def bearer(key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"} if key else {}


def make_keys(settings: Settings) -> Keys:
    from assistant.keys import create_key_store

    store = create_key_store(settings)
    revoked, revoked_key = store.create("admin", "revoked admin")
    store.revoke(revoked.key_id)
    return Keys(
        reader=store.create("reader", "reader")[1],
        clerk=store.create("clerk", "clerk")[1],
        admin=store.create("admin", "admin")[1],
        admin_public=store.create("admin", "public admin", "public")[1],
        revoked=revoked_key,
    )


@pytest.fixture(scope="session")
def access_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Read-only: the public programme, an internal and a confidential note, with figures."""
    from assistant import PolicyAssistant

    root = tmp_path_factory.mktemp("access")
    folder = write_access_corpus(root / "corpus")
    settings = auth_settings(root / "data")
    report = PolicyAssistant(settings).ingest([folder])
    assert not report.failed and report.documents == 3
    return settings


@pytest.fixture(scope="session")
def keys(access_index: Settings) -> Keys:
    return make_keys(access_index)


@pytest.fixture(scope="module")
def authed(access_index: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(access_index), raise_server_exceptions=False) as c:
        yield c
