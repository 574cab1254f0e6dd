"""Encoder and heads loading, offline: a tiny random BERT and a ``tokenizers`` tokenizer built in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from classifiers.base import Label
from classifiers.combine import SCHOOL_FEATURES
from classifiers.encoder import Encoder, EncoderError, shared_encoder
from classifiers.engine import Analyzer, SchoolProfile
from classifiers.heads import Head, HeadSet, calibrate, load_heads, save_heads
from tests.classifiers.conftest import constant_head

_WORDS = [
    "the",
    "a",
    "you",
    "are",
    "is",
    "was",
    "my",
    "son",
    "daughter",
    "teacher",
    "school",
    "idiot",
    "useless",
    "thank",
    "lovely",
    "trip",
    "what",
    "time",
    "does",
    "finish",
    "hurt",
    "scared",
    "photos",
    "please",
    "call",
    "me",
    "office",
    "head",
    "stole",
    "money",
    "from",
    "fund",
    "kids",
    "killed",
    "it",
]


def build_tiny_model(directory: Path, hidden: int = 32) -> Path:
    """A randomly initialised 2-layer BERT saved as safetensors, with a WordPiece ``tokenizer.json``."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    vocab = {token: i for i, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *_WORDS])}
    tokenizer = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=64,
    )
    fast.save_pretrained(str(directory))
    import torch

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=hidden,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=hidden * 2,
        max_position_embeddings=64,
    )
    BertModel(config).save_pretrained(str(directory), safe_serialization=True)
    return directory


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-bert"))


def test_encodes_normalised_vectors_when_loading_a_local_model(tiny_model: Path) -> None:
    encoder = Encoder(tiny_model, batch_size=2)
    vectors = encoder.encode(["you are useless", "thank you", "", "what time does the trip finish"])
    assert vectors.shape == (4, 32)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_gives_the_same_vector_when_batched_or_alone(tiny_model: Path) -> None:
    encoder = Encoder(tiny_model, batch_size=3)
    texts = ["my son was hurt", "lovely trip", "the head stole money from the fund", "what time"]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_raises_encoder_error_when_the_directory_has_no_model(tmp_path: Path) -> None:
    with pytest.raises(EncoderError, match="no encoder"):
        Encoder(tmp_path).load()


def test_reuses_one_encoder_when_asked_twice(tiny_model: Path) -> None:
    assert shared_encoder(tiny_model) is shared_encoder(tiny_model)


def test_maps_the_threshold_to_one_half_when_calibrating() -> None:
    scores = calibrate(np.array([0.0, 0.2, 0.4, 0.7, 1.0], dtype=np.float32), 0.4)
    np.testing.assert_allclose(scores, [0.0, 0.25, 0.5, 0.75, 1.0], atol=1e-6)


def test_round_trips_heads_when_saved_and_loaded(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    head = Head(
        name="abuse",
        features=("embedding", "profanity"),
        mean=rng.normal(size=5).astype(np.float32),
        scale=np.ones(5, dtype=np.float32),
        weights=(rng.normal(size=(5, 4)).astype(np.float32), rng.normal(size=(4, 1)).astype(np.float32)),
        biases=(np.zeros(4, dtype=np.float32), np.zeros(1, dtype=np.float32)),
        threshold=0.37,
        info={"version": "t"},
    )
    save_heads(tmp_path, [head], {"model_version": "t"})
    first = (tmp_path / "heads.npz").read_bytes()
    save_heads(tmp_path, [head], {"model_version": "t"})
    assert (tmp_path / "heads.npz").read_bytes() == first  # same arrays, same bytes
    loaded = load_heads(tmp_path)["abuse"]
    x = rng.normal(size=(3, 5)).astype(np.float32)
    np.testing.assert_allclose(loaded.probability(x), head.probability(x), rtol=1e-6)
    assert loaded.threshold == pytest.approx(0.37)
    assert json.loads((tmp_path / "manifest.json").read_text())["heads"]["abuse"]["layers"] == 2


def _random_heads(dimension: int) -> HeadSet:
    """Heads shaped for the tiny encoder; a large positive bias on the abuse head flags everything."""

    def head(name: str, width: int, bias: float, mode: str = "or") -> Head:
        return constant_head(name, width=width, bias=bias, info={"version": "test", "mode": mode})

    school = dimension + len(SCHOOL_FEATURES) - 1
    return HeadSet(
        {
            "abuse": head("abuse", dimension + 4, 5.0),
            "safeguarding": head("safeguarding", school, -5.0),
            "allegation": head("allegation", school, -5.0, mode="gate"),
            "needs_response": head("needs_response", school, -5.0),
        },
        {},
    )


def test_runs_every_head_on_one_embedding_when_analyzing_with_a_tiny_model(tiny_model: Path) -> None:
    encoder = Encoder(tiny_model)
    analyzer = Analyzer(
        SchoolProfile(name="Brookfield Primary"), use_models=True, heads=_random_heads(32), encoder=encoder
    )
    analyzer.load()
    calls: list[int] = []
    original = encoder.encode

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return original(texts)

    encoder.encode = counting  # type: ignore[method-assign]
    results = analyzer.analyze_scored(["lovely trip", "what time does school finish?", "thank you"])
    assert calls == [3]  # one encoder pass for the batch, shared by all four heads
    for findings, scores in results:
        assert set(scores) == {"abuse", "safeguarding", "allegation", "needs_response"}
        assert scores["abuse"] > 0.9
        (abuse,) = [f for f in findings if f.label is Label.ABUSE]
        assert abuse.start is None and "trained model" in abuse.explanation
    assert "abuse_model" in analyzer.detector_versions
