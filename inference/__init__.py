"""The Sentidesk engine: models, scoring and explanations. Never imports Qt."""

from inference.backends import Backend, BackendName, OnnxBackend, TorchBackend, open_backend
from inference.encoding import Encoded, TextEncoder, clean_text
from inference.errors import InputFileError, ModelFileError, ModelNotFoundError, SentideskError
from inference.labels import DEFAULT_CATEGORIES, LANGUAGES, SENTIMENTS, Language, Sentiment
from inference.language import detect_language
from inference.layout import HeadLayout
from inference.paths import base_models_dir, data_dir, models_dir
from inference.prediction import Prediction, Span
from inference.registry import Manifest, ModelRegistry, new_version_name
from inference.scorer import EmptyTextError, Scorer

__all__ = [
    "DEFAULT_CATEGORIES",
    "LANGUAGES",
    "SENTIMENTS",
    "Backend",
    "BackendName",
    "EmptyTextError",
    "Encoded",
    "HeadLayout",
    "InputFileError",
    "Language",
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
    "open_backend",
]
