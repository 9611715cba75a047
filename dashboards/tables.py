"""Small tables shown beside the cards: DataFrames of Spanish-formatted strings,
built without Streamlit calls."""

from __future__ import annotations

import pandas as pd

from dashboards.formatting import MISSING, fmt_int, fmt_pct, is_missing

TIER_LABELS = {"alto": "Alto", "medio": "Medio", "bajo": "Bajo"}
TIER_TABLE_COLUMNS = ["Interacciones", "Respondidas", "Dentro de objetivo", "Objetivo"]


def social_tier_table(tiers: pd.DataFrame) -> pd.DataFrame:
    """One row per influence tier of one line and day, indexed by "Influencia":
    alto, medio and bajo always (zero when the tier had no interactions), then any
    other tier the data holds.

    `tiers` needs influence_tier, interactions, responded, responded_within_target
    and first_response_target_minutes. "Dentro de objetivo" is responded within
    the tier's target over interactions, like the line's card.
    """
    by_tier = {row["influence_tier"]: row for row in tiers.to_dict(orient="records")}
    order = list(TIER_LABELS) + [t for t in by_tier if t not in TIER_LABELS]
    rows = []
    for tier in order:
        row = by_tier.get(tier, {})
        interactions = row.get("interactions", 0)
        within = row.get("responded_within_target")
        minutes = row.get("first_response_target_minutes")
        share = (
            within / interactions
            if not is_missing(within) and not is_missing(interactions) and interactions
            else None
        )
        rows.append(
            {
                "Influencia": TIER_LABELS.get(tier, str(tier)),
                "Interacciones": fmt_int(interactions),
                "Respondidas": fmt_int(row.get("responded", 0)),
                "Dentro de objetivo": fmt_pct(share),
                "Objetivo": MISSING if is_missing(minutes) else f"{fmt_int(minutes)} min",
            }
        )
    return pd.DataFrame(rows, columns=["Influencia", *TIER_TABLE_COLUMNS]).set_index(
        "Influencia"
    )
