"""The size limits of the contract, as numbers a producer can cut its output to:
`from pactwatch_schemas import limits`, then `text[: limits.MAX_ARTICLE_TEXT_CHARS]`.

The JSON Schema files say the same (`maxLength`, `maxItems`) and stay the truth;
`tests/schemas/test_limits.py` proves each number equals its file's, and the models use
these. A producer cuts to them rather than to literals of its own, so a message it builds
never fails validation for size.
"""

from __future__ import annotations

from typing import Final

# Article (`article.v1.json`) and the article carried in every event (`article_ref`).
#: Characters of an article's URL.
MAX_URL_CHARS: Final = 4096
#: Characters of an article's title.
MAX_TITLE_CHARS: Final = 2000
#: Characters of an article's main text.
MAX_ARTICLE_TEXT_CHARS: Final = 1_000_000

# Event (`event.v1.json`).
#: Parties of one event, and characters of each.
MAX_PARTIES: Final = 50
MAX_PARTY_CHARS: Final = 300
#: Characters of an event's evidence text.
MAX_EVIDENCE_CHARS: Final = 5000
#: (start, end) spans of the evidence in the article's text.
MAX_EVIDENCE_SPANS: Final = 20
#: Locations of one event, and characters of each.
MAX_LOCATIONS: Final = 50
MAX_LOCATION_CHARS: Final = 300
#: Sectors of one event, and characters of each.
MAX_SECTORS: Final = 20
MAX_SECTOR_CHARS: Final = 100

# Alert (`alert.v1.json`).
#: Articles listed as an alert's `sources` (the event's own first).
MAX_ALERT_SOURCES: Final = 20

# Notifier retry record (`notifier_retry.v1.json`) and the dead letter's attempt history.
#: Attempts a retry record carries in its history (the latest ones).
MAX_RETRY_ATTEMPTS: Final = 50
#: Characters of one attempt's outcome.
MAX_ATTEMPT_OUTCOME_CHARS: Final = 500
