"""Export the rebuilt multilingual-e5-small to ONNX, and quantise it to int8.

The graph takes ``input_ids`` and ``attention_mask`` and returns the L2-normalised mean of the
last hidden states, so it gives the vectors sentence-transformers gives (Transformer, mean
Pooling, Normalize) without torch at run time. int8 is onnxruntime's dynamic quantisation of
the weights of every MatMul (and the word embedding table, a Gather), per channel; activations
stay float.

Why not ``optimum``: optimum-onnx 0.1.0 pins ``transformers<4.58`` and our
sentence-transformers 6.2 needs transformers 5; optimum's exporter wraps the same
``torch.onnx.export`` and its quantiser is the same ``onnxruntime.quantization`` used here.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FP32_FILE = "model.onnx"
INT8_FILE = "model_int8.onnx"
OPSET = 17


def onnx_file(onnx_dir: Path, quantization: str) -> Path:
    return onnx_dir / (INT8_FILE if quantization == "int8" else FP32_FILE)


def export_onnx(model_dir: Path, onnx_dir: Path) -> Path:
    """Write ``onnx_dir/model.onnx`` (fp32) from the sentence-transformers folder."""
    import torch
    from transformers import BertModel

    bert = BertModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            mean = summed / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    onnx_dir.mkdir(parents=True, exist_ok=True)
    target = onnx_dir / FP32_FILE
    ids = torch.tensor([[0, 10, 11, 12, 2], [0, 13, 2, 1, 1]], dtype=torch.long)
    mask = (ids != 1).to(torch.long)
    with tempfile.TemporaryDirectory(dir=onnx_dir) as tmp:
        staging = Path(tmp) / FP32_FILE
        with torch.no_grad():
            torch.onnx.export(
                Pooled(bert),
                (ids, mask),
                str(staging),
                input_names=["input_ids", "attention_mask"],
                output_names=["sentence_embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "tokens"},
                    "attention_mask": {0: "batch", 1: "tokens"},
                    "sentence_embedding": {0: "batch"},
                },
                opset_version=OPSET,
                dynamo=False,
            )
        os.replace(staging, target)
    return target


def quantize_int8(fp32: Path, target: Path) -> Path:
    """Dynamic int8 quantisation of the MatMul weights and the embedding table."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        staging = Path(tmp) / target.name
        quantize_dynamic(
            str(fp32),
            str(staging),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul", "Gather"],
        )
        os.replace(staging, target)
    return target


def build_onnx(model_dir: Path, onnx_dir: Path, quantization: str) -> Path:
    """The ONNX file for ``quantization`` ("int8" or "fp32"), exported first if missing."""
    wanted = onnx_file(onnx_dir, quantization)
    if wanted.is_file():
        return wanted
    fp32 = onnx_dir / FP32_FILE
    if not fp32.is_file():
        logger.info("exporting %s to ONNX (one time)", model_dir.name)
        export_onnx(model_dir, onnx_dir)
    if quantization == "int8":
        logger.info("quantising the ONNX model to int8 (one time)")
        quantize_int8(fp32, wanted)
    tokenizer = model_dir / "tokenizer.json"
    if not (onnx_dir / "tokenizer.json").is_file():
        shutil.copy2(tokenizer, onnx_dir / "tokenizer.json")
    return wanted
