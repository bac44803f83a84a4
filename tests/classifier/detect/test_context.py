"""The article context (`_context`): what it reads must not depend on the process.

Replicas of the classifier run with different hash seeds: a result that followed set order
would give one article different parties, and so a different event id, on each replica.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pactwatch_classifier.detect._context import home_city

# "来锡考察" cues a city abbreviated 锡; two names that start so are each used three times.
_TIED = "代表团一行来锡考察。锡考察很顺利。锡投资料齐全，锡投方案已定。锡投将推进，锡考察结束。"


@pytest.mark.unit
def test_a_tie_between_a_cues_names_goes_to_the_one_met_first() -> None:
    assert home_city("", _TIED) == "锡考"


@pytest.mark.integration  # runs Python processes
def test_the_home_city_is_the_same_under_every_hash_seed() -> None:
    script = (
        "from pactwatch_classifier.detect._context import home_city\n"
        f"print(home_city('', {_TIED!r}))"
    )
    seen = set()
    for seed in ("1", "2", "3", "4"):
        run = subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        seen.add(run.stdout.strip())
    assert seen == {"锡考"}
