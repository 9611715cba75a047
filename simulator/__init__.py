"""Discrete-event simulation of Telecentro's call center (lines, queues, campaigns, motives and
targets from the contract file) that writes Asterisk queue_log files, one per local day, and
from the same operation the other sources: CDR, CRM cases, OTRS tickets, Twitter and Facebook
pages (see simulator/README.md).

    from simulator import generate
    summary = generate("data/landing/queue_log", days=90, seed=20130527)
"""

from .run import DEFAULT_DAYS, DEFAULT_SEED, generate, outages_csv_path

__all__ = ["DEFAULT_DAYS", "DEFAULT_SEED", "generate", "outages_csv_path"]
