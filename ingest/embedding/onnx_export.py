"""Export the rebuilt multilingual-e5-small to ONNX, fuse it, or quantise it to int8.

The graph takes ``input_ids`` and ``attention_mask`` and returns the L2-normalised mean of the
last hidden states, so it gives the vectors sentence-transformers gives (Transformer, mean
Pooling, Normalize) without torch at run time. int8 is onnxruntime's dynamic quantisation of
the weights of every MatMul (and the word embedding table, a Gather), per channel; activations
stay float.

The fused graph (the fp32 default) is the same weights exported with BERT's "eager" attention
(the plain softmax(QK^T)V that onnxruntime's transformer optimiser recognises; the default
"sdpa" export it does not) and rewritten by ``onnxruntime.transformers.optimizer`` into one
``Attention`` op per layer, ``EmbedLayerNormalization``, ``SkipLayerNormalization`` and
``BiasGelu``: the same arithmetic in fewer, fused kernels, so the vectors stay those of the
plain graph (cosine >= 0.99999) at fewer CPU seconds (bench/results/embedding_speed_s9.md). The
optimiser ships inside onnxruntime; no new package.

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
FUSED_FILE = "model_fused.onnx"
INT8_FILE = "model_int8.onnx"
OPSET = 17


class FusionError(RuntimeError):
    """The optimiser did not fuse every layer's attention (an export it does not recognise)."""


def onnx_file(onnx_dir: Path, quantization: str, *, fused: bool = False) -> Path:
    if quantization == "int8":
        return onnx_dir / INT8_FILE
    return onnx_dir / (FUSED_FILE if fused else FP32_FILE)


def export_onnx(
    model_dir: Path, onnx_dir: Path, *, attention: str = "sdpa", name: str = FP32_FILE
) -> Path:
    """Write ``onnx_dir/<name>`` (fp32) from the sentence-transformers folder. ``attention``
    is the transformers attention implementation traced ("eager" for the fused graph)."""
    import torch
    from transformers import BertModel

    bert = BertModel.from_pretrained(
        str(model_dir), local_files_only=True, attn_implementation=attention
    ).eval()

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
    target = onnx_dir / name
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


def fuse(model_dir: Path, onnx_dir: Path) -> Path:
    """Write ``onnx_dir/model_fused.onnx``: an eager-attention export, fused by onnxruntime's
    BERT optimiser. Raises ``FusionError`` unless every layer's attention became one op."""
    import json

    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    onnx_dir.mkdir(parents=True, exist_ok=True)
    target = onnx_dir / FUSED_FILE
    with tempfile.TemporaryDirectory(dir=onnx_dir) as tmp:
        eager = export_onnx(model_dir, Path(tmp), attention="eager", name="eager.onnx")
        model = optimizer.optimize_model(
            str(eager),
            model_type="bert",
            num_heads=int(config["num_attention_heads"]),
            hidden_size=int(config["hidden_size"]),
            optimization_options=FusionOptions("bert"),
            opt_level=0,  # only the offline fusions; onnxruntime applies its own at load
            use_gpu=False,
        )
        fused = model.get_fused_operator_statistics()
        layers = int(config["num_hidden_layers"])
        if fused.get("Attention", 0) != layers:
            raise FusionError(f"{fused.get('Attention', 0)} of {layers} attention layers fused")
        staging = Path(tmp) / FUSED_FILE
        model.save_model_to_file(str(staging))
        os.replace(staging, target)
    logger.info("fused ONNX graph: %s", {k: v for k, v in fused.items() if v})
    return target


def build_onnx(model_dir: Path, onnx_dir: Path, quantization: str, *, fused: bool = False) -> Path:
    """The ONNX file for ``quantization`` ("int8" or "fp32"; fp32 ``fused`` or plain),
    exported first if missing."""
    wanted = onnx_file(onnx_dir, quantization, fused=fused)
    if wanted.is_file():
        return wanted
    fp32 = onnx_dir / FP32_FILE
    if wanted.name == FUSED_FILE:
        logger.info("exporting %s to a fused ONNX graph (one time)", model_dir.name)
        fuse(model_dir, onnx_dir)
    elif not fp32.is_file():
        logger.info("exporting %s to ONNX (one time)", model_dir.name)
        export_onnx(model_dir, onnx_dir)
    if quantization == "int8":
        logger.info("quantising the ONNX model to int8 (one time)")
        quantize_int8(fp32, wanted)
    tokenizer = model_dir / "tokenizer.json"
    if not (onnx_dir / "tokenizer.json").is_file():
        shutil.copy2(tokenizer, onnx_dir / "tokenizer.json")
    return wanted
