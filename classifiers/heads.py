"""Small trained heads on the shared sentence embedding, stored as plain numpy arrays (no pickles)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]

#: Where ``socialguard train`` writes the heads and where the detectors read them.
MODEL_DIR_NAME = "models"
WEIGHTS_FILE = "heads.npz"
MANIFEST_FILE = "manifest.json"


class HeadsError(RuntimeError):
    """The committed head artefacts are missing, incomplete or were trained for another encoder."""


@dataclass(frozen=True)
class Head:
    """A feed-forward classifier: standardise, ReLU hidden layers (none for logistic regression), sigmoid.

    ``threshold`` is the probability that the training run calibrated as the decision point; :meth:`score`
    maps it to 0.5, so every head's scores line up with the policy's default thresholds.
    """

    name: str
    features: tuple[str, ...]
    mean: Array
    scale: Array
    weights: tuple[Array, ...]
    biases: tuple[Array, ...]
    threshold: float
    info: Mapping[str, Any] = field(default_factory=dict)

    def probability(self, x: Array) -> Array:
        hidden = (np.asarray(x, dtype=np.float32) - self.mean) / self.scale
        for weight, bias in zip(self.weights[:-1], self.biases[:-1], strict=True):
            hidden = np.maximum(hidden @ weight + bias, 0.0)
        logits = (hidden @ self.weights[-1] + self.biases[-1]).reshape(-1)
        return (1.0 / (1.0 + np.exp(-np.clip(logits, -30.0, 30.0)))).astype(np.float32)

    def score(self, x: Array) -> Array:
        return calibrate(self.probability(x), self.threshold)


def calibrate(probability: Array, threshold: float) -> Array:
    """Piecewise-linear map sending ``threshold`` to 0.5 and keeping 0 and 1 fixed (order preserved)."""
    t = min(max(threshold, 1e-6), 1 - 1e-6)
    p = np.asarray(probability, dtype=np.float32)
    return np.where(p < t, 0.5 * p / t, 0.5 + 0.5 * (p - t) / (1 - t)).astype(np.float32)


@dataclass(frozen=True)
class HeadSet:
    """Every head from one training run, plus the manifest that describes it."""

    heads: Mapping[str, Head]
    manifest: Mapping[str, Any]

    def __getitem__(self, name: str) -> Head:
        return self.heads[name]

    def get(self, name: str) -> Head | None:
        return self.heads.get(name)


def default_model_dir() -> Path:
    return Path(str(resources.files("classifiers").joinpath(MODEL_DIR_NAME)))


def save_heads(directory: Path, heads: Sequence[Head], manifest: Mapping[str, Any]) -> None:
    """Write ``heads.npz`` (float32 arrays) and ``manifest.json`` (sorted keys) so re-runs diff cleanly."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Array] = {}
    described: dict[str, Any] = {}
    for head in heads:
        arrays[f"{head.name}.mean"] = head.mean.astype(np.float32)
        arrays[f"{head.name}.scale"] = head.scale.astype(np.float32)
        for i, (weight, bias) in enumerate(zip(head.weights, head.biases, strict=True)):
            arrays[f"{head.name}.w{i}"] = weight.astype(np.float32)
            arrays[f"{head.name}.b{i}"] = bias.astype(np.float32)
        described[head.name] = {
            "features": list(head.features),
            "layers": len(head.weights),
            "threshold": round(float(head.threshold), 6),
            **dict(head.info),
        }
    # np.savez writes zip entries with a fixed timestamp, so identical arrays give identical bytes.
    with (directory / WEIGHTS_FILE).open("wb") as handle:
        np.savez_compressed(handle, **dict(sorted(arrays.items())))  # type: ignore[arg-type]
    payload = {**dict(manifest), "heads": described}
    (directory / MANIFEST_FILE).write_text(
        json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def load_heads(directory: Path | None = None) -> HeadSet:
    directory = directory or default_model_dir()
    try:
        manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
        with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError) as exc:
        raise HeadsError(
            f"cannot read the trained heads in {directory} ({type(exc).__name__}); run `socialguard train`"
        ) from None
    heads: dict[str, Head] = {}
    for name, spec in manifest.get("heads", {}).items():
        layers = int(spec["layers"])
        try:
            heads[name] = Head(
                name=name,
                features=tuple(spec["features"]),
                mean=arrays[f"{name}.mean"],
                scale=arrays[f"{name}.scale"],
                weights=tuple(arrays[f"{name}.w{i}"] for i in range(layers)),
                biases=tuple(arrays[f"{name}.b{i}"] for i in range(layers)),
                threshold=float(spec["threshold"]),
                info={k: v for k, v in spec.items() if k not in ("features", "layers", "threshold")},
            )
        except KeyError as exc:
            raise HeadsError(f"{directory / WEIGHTS_FILE}: head {name} is missing array {exc}") from None
    return HeadSet(heads, manifest)
