"""Write Pactwatch's Grafana dashboards (deploy/grafana/dashboards/*.json).

The dashboards are built with Grafana's own typed builders (the grafana-foundation-sdk
package, a dev tool of `make install`): panels.py holds the panels and the PromQL they share,
boards.py the four dashboards. The JSON is checked in; edit those, then `make dashboards`.
tests/deploy checks that the JSON matches what this makes, and the live test evaluates every
panel's PromQL against a real Prometheus scraping the services.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from boards import BOARDS
from grafana_foundation_sdk.cog.encoder import JSONEncoder

OUT = Path(__file__).resolve().parent / "dashboards"


def render() -> dict[str, str]:
    """File name -> JSON text of every dashboard."""
    return {
        f"pactwatch-{name}.json": (
            json.dumps(make(), cls=JSONEncoder, indent=2, ensure_ascii=False) + "\n"
        )
        for name, make in BOARDS.items()
    }


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, text in render().items():
        (OUT / name).write_text(text, "utf-8")
        print(f"wrote {OUT / name}", file=sys.stderr)


if __name__ == "__main__":
    main()
