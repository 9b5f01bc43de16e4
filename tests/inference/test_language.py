from __future__ import annotations

import pytest

from inference import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的订单什么时候发货？", "zh"),
        ("订单 SD12345678 还没到，where is it?", "zh"),
        ("Where is my order? It's been a week.", "en"),
        ("Payment confirmed instantly, smooth as always. :)", "en"),
        ("Great!", "en"),
        ("Der Artikel ist nicht angekommen", "other"),
        ("Je ne suis pas content de la livraison", "other"),
        ("注文した商品が届きません", "other"),
        ("배송이 늦어요", "other"),
        ("12345 !!!", "other"),
        ("", "other"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected
