"""`pactwatch-classify`: classify articles given as JSON Lines on stdin.

One output line per input line, in order, flushed per line, so the tool can sit in a pipe
(`crawler dump | pactwatch-classify | jq`). Input lines are read one at a time, never all of
stdin first. A bad line produces an error object on stdout (and a note on stderr) and the run
goes on; blank lines are skipped and produce no output. Exit status is 0 unless reading stdin
itself fails (2) or the output pipe closes (0, quietly).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import IO, Any

from pactwatch_classifier.detect import InvalidArticle, classify


class _BadLine(Exception):
    def __init__(self, reason: str, article_id: Any = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.article_id = article_id


def _parse_time(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadLine("field 'published_at' must be an ISO 8601 string or null")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _BadLine(
            f"field 'published_at' is not an ISO 8601 datetime: {value[:40]!r}"
        ) from None


def _handle(line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _BadLine(f"not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(record, dict):
        raise _BadLine(f"expected a JSON object, got {type(record).__name__}")
    article_id = record.get("id")
    if "id" not in record:
        raise _BadLine("missing field 'id'")
    if not isinstance(article_id, (str, int)) or isinstance(article_id, bool):
        raise _BadLine("field 'id' must be a string or an integer", None)
    for name in ("title", "text"):
        if name not in record:
            raise _BadLine(f"missing field '{name}'", article_id)
        if not isinstance(record[name], str):
            raise _BadLine(
                f"field '{name}' must be a string, not {type(record[name]).__name__}", article_id
            )
    language = record.get("language")
    if language is not None and not isinstance(language, str):
        raise _BadLine("field 'language' must be a string or null", article_id)
    try:
        published = _parse_time(record.get("published_at"))
        result = classify(
            record["title"], record["text"], published_at=published, language_hint=language
        )
    except _BadLine as exc:
        exc.article_id = article_id
        raise
    except InvalidArticle as exc:
        raise _BadLine(str(exc), article_id) from None
    out = result.to_dict()
    return {
        "id": article_id,
        "label": out["label"],
        "language": out["language"],
        "events": out["events"],
    }


def run(stdin: IO[str], stdout: IO[str], stderr: IO[str]) -> int:
    """Process `stdin` line by line; return the exit status."""
    number = 0
    while True:
        try:
            line = stdin.readline()
        except (OSError, UnicodeDecodeError) as exc:
            print(f"pactwatch-classify: cannot read stdin: {exc}", file=stderr)
            return 2
        if not line:
            return 0
        number += 1
        if not line.strip():
            continue
        try:
            out = _handle(line)
        except _BadLine as exc:
            out = {"id": exc.article_id, "error": exc.reason, "line": number}
            print(f"pactwatch-classify: line {number}: {exc.reason}", file=stderr, flush=True)
        except Exception as exc:  # a bug must not stop the stream; report it on that line
            out = {
                "id": None,
                "error": f"internal error: {type(exc).__name__}: {exc}",
                "line": number,
            }
            print(
                f"pactwatch-classify: line {number}: internal error {exc!r}",
                file=stderr,
                flush=True,
            )
        try:
            stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
            stdout.flush()
        except BrokenPipeError:
            return 0


def main() -> None:
    """Console entry point."""
    # Decode stdin leniently: a bad byte becomes U+FFFD on that line (and the detector judges
    # the text), instead of a UnicodeDecodeError that would end the whole stream.
    with open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False) as stdin:
        status = run(stdin, sys.stdout, sys.stderr)
    raise SystemExit(status)


if __name__ == "__main__":
    main()
