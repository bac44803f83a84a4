"""The classifier's build: with BUILD_WITH_MYPYC=1 the detector (`detect/`) is compiled by mypyc.

The detector is pure Python written to mypy's strict rules, so mypyc can turn each module into
a C extension with the same behaviour (tests/classifier/test_compiled.py compares the two on
every labelled article) and about a sixth less CPU per article (README, Speed). The images
build it compiled; an editable install (`make install`) stays pure Python, so an edited rule
takes effect without a rebuild.
"""

from __future__ import annotations

import os
from pathlib import Path

from setuptools import setup

ext_modules = []
if os.environ.get("BUILD_WITH_MYPYC") == "1":
    from mypyc.build import mypycify

    here = Path(__file__).parent
    detect = here / "src" / "pactwatch_classifier" / "detect"
    modules = sorted(str(p.relative_to(here)) for p in detect.glob("*.py"))
    # No config file (the repository's names a plugin the build lacks); the third-party
    # imports (OpenCC, pypinyin, pyahocorasick ...) stay Python objects (Any).
    ext_modules = mypycify(["--config-file=", "--ignore-missing-imports", *modules], opt_level="3")

setup(ext_modules=ext_modules)
