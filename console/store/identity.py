"""Which customer a ticket is from: the key that tells one customer's tickets from another's
(repeat contacts, the customer history beside a ticket).

A display name is weak evidence of a person: two customers called 王芳 are two people, and
a shop with a few hundred customers a day has many such pairs, so tickets matched by name
alone look like one customer writing again and again. An e-mail address, a contact address,
a phone number or the shop's customer id names one person, so the key is the first of those
the ticket carries (import columns kept as metadata; an e-mail's sender address is its
``email``). Only a ticket with none of them is keyed by its name: chat, app and review
tickets often carry nothing else, and without it a repeat contact there would never be
seen at all. Both tickets must then carry only that name, since a name key never equals
an address key.

Pure functions; the store calls them when it writes a ticket, and the schema's migration
calls :func:`customer_key` (registered as an SQL function) to key the tickets stored before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

#: Metadata fields that name one customer, in the order they are trusted. E-mail first: it
#: is what an e-mail import and most shop exports carry, so tickets from both meet there.
IDENTITY_FIELDS = ("email", "customer_email", "contact", "customer_id", "phone")
#: The name of :func:`sql_customer_key` in SQL.
SQL_FUNCTION = "sentidesk_customer_key"

_NON_DIGITS = re.compile(r"[^0-9]")


def _identity(field: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    text = str(value).strip()
    if field == "phone":
        # "+86 138-0000-0000" and "8613800000000" are one number
        return _NON_DIGITS.sub("", text)
    if field == "customer_id":
        return text
    # addresses differ only in case when typed by hand
    return text.casefold()


def customer_key(customer: str, metadata: Mapping[str, Any]) -> str:
    """``field:value`` of the first identity field ``metadata`` has (see the module
    docstring), else ``name:`` and the display name with its spacing and case folded; ""
    when there is neither (such a ticket is nobody's repeat contact)."""
    for field in IDENTITY_FIELDS:
        value = _identity(field, metadata.get(field))
        if value:
            return f"{field}:{value}"
    name = " ".join(customer.split()).casefold()
    return f"name:{name}" if name else ""


def sql_customer_key(customer: str | None, metadata: str | None) -> str:
    """:func:`customer_key` of a stored row (``metadata`` as its JSON text)."""
    try:
        fields = json.loads(metadata or "{}")
    except ValueError:
        fields = {}
    return customer_key(customer or "", fields if isinstance(fields, dict) else {})
