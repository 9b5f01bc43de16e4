"""The classifier network: a BERT encoder, mean pooling, one linear layer for both heads.

The layer's outputs are the sentiment logits followed by the category logits. Keeping a
single ``logits`` output makes the model a standard ``text-classification`` model for
optimum's ONNX exporter and ONNX Runtime; :class:`HeadLayout` splits it back.

Mean pooling (rather than BERT's [CLS] pooler) matches how multilingual-e5 was trained, so
the pretrained representation is useful from the first fine-tuning step.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertPreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput

from inference.layout import HeadLayout


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)


class SentimentClassifier(BertPreTrainedModel):
    """BERT + mean pooling + linear layer over ``sentiments + categories`` logits."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__(config)
        self.bert = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()  # type: ignore[no-untyped-call]

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
        **_: Any,
    ) -> SequenceClassifierOutput:
        hidden = self.bert(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        pooled = mean_pool(hidden, attention_mask)
        return SequenceClassifierOutput(logits=self.classifier(self.dropout(pooled)))


def head_config(config: BertConfig, layout: HeadLayout) -> BertConfig:
    """Configure a base encoder's config for our two heads."""
    config.num_labels = layout.size
    labels = [f"sentiment:{s}" for s in layout.sentiments]
    labels += [f"category:{c}" for c in layout.categories]
    config.id2label = dict(enumerate(labels))
    config.label2id = {label: i for i, label in enumerate(labels)}
    config.architectures = ["SentimentClassifier"]
    config.sentidesk = layout.to_config()
    return config
