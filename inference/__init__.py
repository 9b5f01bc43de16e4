"""The Sentidesk engine: models, scoring and explanations. Never imports Qt."""

from inference.backends import Backend, BackendName, OnnxBackend, TorchBackend, open_backend
from inference.calibration import (
    CALIBRATION_FILE,
    Calibration,
    compress_margins,
    read_calibration,
)
from inference.encoding import Encoded, TextEncoder, clean_text
from inference.errors import InputFileError, ModelFileError, ModelNotFoundError, SentideskError
from inference.labels import DEFAULT_CATEGORIES, LANGUAGES, SENTIMENTS, Language, Sentiment
from inference.language import detect_language
from inference.layout import HeadLayout, ModelConfig, read_model_config
from inference.lexical import LEXICAL_FILE, LexicalModel, ngram_ids
from inference.lexical_scorer import CATEGORY_FILE, LexicalScorer
from inference.paths import base_models_dir, data_dir, models_dir
from inference.prediction import Prediction, Span, softmax
from inference.protocol import BackendInfo, SentimentScorer
from inference.registry import (
    PROVISIONAL,
    ActiveScorer,
    FallbackNotice,
    Manifest,
    ModelRegistry,
    RegistryEntry,
    empty_trash,
    folder_bytes,
    load_scorer,
    new_version_name,
    open_active_scorer,
)
from inference.scorer import EmptyTextError, LogitsMemo, Scorer

__all__ = [
    "CALIBRATION_FILE",
    "CATEGORY_FILE",
    "DEFAULT_CATEGORIES",
    "LANGUAGES",
    "LEXICAL_FILE",
    "PROVISIONAL",
    "SENTIMENTS",
    "ActiveScorer",
    "Backend",
    "BackendInfo",
    "BackendName",
    "Calibration",
    "EmptyTextError",
    "Encoded",
    "FallbackNotice",
    "HeadLayout",
    "InputFileError",
    "Language",
    "LexicalModel",
    "LexicalScorer",
    "LogitsMemo",
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
    "SentimentScorer",
    "Span",
    "TextEncoder",
    "TorchBackend",
    "base_models_dir",
    "clean_text",
    "compress_margins",
    "data_dir",
    "detect_language",
    "empty_trash",
    "folder_bytes",
    "load_scorer",
    "models_dir",
    "new_version_name",
    "ngram_ids",
    "open_active_scorer",
    "open_backend",
    "read_calibration",
    "read_model_config",
    "softmax",
]
