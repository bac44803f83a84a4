"""The compiled detector (mypyc, as the image builds it) reads every article as the source does.

mypyc keeps Python's semantics for code that type-checks, but checks the annotations at run
time and compiles some constructs differently: the two builds are compared on every labelled
article (the corpus, the seeds) and on dense bench articles, output for output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pactwatch_classifier.detect import classify
from pactwatch_classifier.evaluation import load_corpus, load_seeds

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "classifier" / "corpus"
SEEDS = REPO.parent / "shared" / "seeds"

# Run under the compiled build: each labelled article's classification, one repr per line.
_READ_ALL = """
import json, sys
from pactwatch_classifier.detect import _classify, classify
assert _classify.__file__.endswith(".so"), _classify.__file__
for line in sys.stdin:
    title, text = json.loads(line)
    print(json.dumps(repr(classify(title, text)), ensure_ascii=False))
"""


def _articles() -> list[tuple[str, str]]:
    examples = [*load_corpus(CORPUS), *load_seeds(SEEDS)]
    # Corpus articles run together: several events and both languages in one text.
    dense = ["\n\n".join(e.text for e in examples[i : i + 5]) for i in range(0, len(examples), 5)]
    return [(e.title, e.text) for e in examples] + [("", text) for text in dense]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The classifier built with mypyc into a folder of its own (about a minute)."""
    target = tmp_path_factory.mktemp("mypyc")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(REPO / "services" / "classifier"),
        ],
        env={**os.environ, "BUILD_WITH_MYPYC": "1"},
        check=True,
        timeout=280,
    )
    return target


def test_the_compiled_detector_classifies_every_article_as_the_source_does(compiled: Path) -> None:
    articles = _articles()
    assert len(articles) > 400
    run = subprocess.run(
        [sys.executable, "-c", _READ_ALL],
        input="".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles),
        env={**os.environ, "PYTHONPATH": str(compiled), "PYTHONHASHSEED": "7"},
        capture_output=True,
        text=True,
        check=True,
    )
    got = [json.loads(line) for line in run.stdout.splitlines()]
    expected = [repr(classify(title, text)) for title, text in articles]
    assert len(got) == len(expected)
    differ = [i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b]
    assert not differ, f"{len(differ)} articles differ, e.g. {got[differ[0]][:300]}"
