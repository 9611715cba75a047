"""The subscriber base behind every source: account number, name, phone and e-mail.

Customer i is the caller i of the queue_log population (demand.CallerPopulation), so a
customer's phone in the CRM, the CDR and the queue_log is the same number. Callers who
withhold their number show up as `anonymous`, empty or `Restricted` in the PBX logs; the
CRM still knows the real one.
"""

from __future__ import annotations

import unicodedata

import numpy as np

from .names import FIRST_NAMES, SURNAMES


def ascii_fold(text: str) -> str:
    """'Lucía Núñez' -> 'Lucia Nunez' (for e-mail addresses and handles)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class Customers:
    def __init__(self, numbers: list[str], rng: np.random.Generator):
        n = len(numbers)
        self.size = n
        self.pbx_numbers = numbers  # as the PBX shows them (withheld: anonymous, "", Restricted)
        self.first = rng.integers(len(FIRST_NAMES), size=n).tolist()
        self.last = rng.integers(len(SURNAMES), size=n).tolist()
        self.tag = rng.integers(0, 1000, size=n).tolist()
        hidden = rng.integers(0, 10_000_000, size=n).tolist()
        self.numbers = [
            num if num.isdigit() else f"114{h:07d}" for num, h in zip(numbers, hidden)
        ]
        self.width = max(7, len(str(n)))
        self._folded_first = [ascii_fold(f).lower() for f in FIRST_NAMES]
        self._folded_last = [ascii_fold(s).lower().replace(" ", "") for s in SURNAMES]

    def customer_id(self, i: int) -> str:
        return f"CLI-{i + 1:0{self.width}d}"

    def first_name(self, i: int) -> str:
        return FIRST_NAMES[self.first[i]]

    def surname(self, i: int) -> str:
        return SURNAMES[self.last[i]]

    def name(self, i: int) -> str:
        return f"{self.first_name(i)} {self.surname(i)}"

    def phone(self, i: int) -> str:
        """The customer's real number (the one the PBX shows unless withheld)."""
        return self.numbers[i]

    def pbx_phone(self, i: int) -> str:
        return self.pbx_numbers[i]

    def email(self, i: int) -> str:
        first = self._folded_first[self.first[i]]
        last = self._folded_last[self.last[i]]
        tag = self.tag[i]
        if tag < 300:
            local = f"{first}.{last}"
        elif tag < 750:
            local = f"{first}.{last}{tag % 100}"
        else:
            local = f"{first[0]}{last}{tag}"
        return f"{local}@example.com"
