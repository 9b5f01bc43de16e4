"""The Sentidesk engine: models, scoring and explanations. Never imports Qt."""

from inference.backends import Backend, BackendName, OnnxBackend, TorchBackend, open_backend
from inference.encoding import Encoded, TextEncoder, clean_text
from inference.errors import InputFileError, ModelFileError, ModelNotFoundError, SentideskError
from inference.labels import DEFAULT_CATEGORIES, LANGUAGES, SENTIMENTS, Language, Sentiment
from inference.language import detect_language
from inference.layout import HeadLayout
from inference.lexical import LEXICAL_FILE, LexicalModel, ngram_ids
from inference.paths import base_models_dir, data_dir, models_dir
from inference.prediction import Prediction, Span
from inference.registry import Manifest, ModelRegistry, new_version_name
from inference.scorer import EmptyTextError, Scorer, softmax

__all__ = [
    "DEFAULT_CATEGORIES",
    "LANGUAGES",
    "LEXICAL_FILE",
    "SENTIMENTS",
    "Backend",
    "BackendName",
    "EmptyTextError",
    "Encoded",
    "HeadLayout",
    "InputFileError",
    "Language",
    "LexicalModel",
    "Manifest",
    "ModelFileError",
    "ModelNotFoundError",
    "ModelRegistry",
    "OnnxBackend",
    "Prediction",
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
    "open_backend",
    "softmax",
]
