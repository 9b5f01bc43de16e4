"""The Sentidesk engine: models, scoring and explanations. Never imports Qt."""

from inference.backends import Backend, BackendName, OnnxBackend, TorchBackend, open_backend
from inference.encoding import Encoded, TextEncoder, clean_text
from inference.errors import InputFileError, ModelFileError, ModelNotFoundError, SentideskError
from inference.labels import DEFAULT_CATEGORIES, LANGUAGES, SENTIMENTS, Language, Sentiment
from inference.language import detect_language
from inference.layout import HeadLayout, ModelConfig, read_model_config
from inference.lexical import LEXICAL_FILE, LexicalModel, ngram_ids
from inference.paths import base_models_dir, data_dir, models_dir
from inference.prediction import Prediction, Span
from inference.registry import (
    ActiveScorer,
    FallbackNotice,
    Manifest,
    ModelRegistry,
    RegistryEntry,
    new_version_name,
    open_active_scorer,
)
from inference.scorer import EmptyTextError, Scorer, softmax

__all__ = [
    "DEFAULT_CATEGORIES",
    "LANGUAGES",
    "LEXICAL_FILE",
    "SENTIMENTS",
    "ActiveScorer",
    "Backend",
    "BackendName",
    "EmptyTextError",
    "Encoded",
    "FallbackNotice",
    "HeadLayout",
    "InputFileError",
    "Language",
    "LexicalModel",
    "Manifest",
    "ModelConfig",
    "ModelFileError",
    "ModelNotFoundError",
    "ModelRegistry",
    "OnnxBackend",
    "Prediction",
    "RegistryEntry",
    "Scorer",
    "SentideskError",
    "Sentiment",
    "Span",
    "TextEncoder",
    "TorchBackend",
    "base_models_dir",
    "clean_text",
    "data_dir",
    "detect_language",
    "models_dir",
    "new_version_name",
    "ngram_ids",
    "open_active_scorer",
    "open_backend",
    "read_model_config",
    "softmax",
]
