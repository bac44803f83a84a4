"""`pactwatch-subscriptions`: operators manage subscriptions from a shell.

    pactwatch-subscriptions add --email analyst@example.org --keyword 签约 --mode daily
    pactwatch-subscriptions add --webhook https://hooks.example.org/x --secret whsec_… --id ops
    pactwatch-subscriptions list [--state active] [--json]
    pactwatch-subscriptions pause ID | resume ID | delete ID
    pactwatch-subscriptions import subscriptions.yaml [--reset-state]
    pactwatch-subscriptions export [-o subscriptions.yaml]

The database is `PACTWATCH_NOTIFIER_DATABASE_URL` (default: the SQLite file in
`PACTWATCH_NOTIFIER_DATA_DIR`), or `--database-url`. Exit codes: 0 done, 1 not found,
2 wrong input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from .core.config import Settings
from .models import State, SubscriptionCreate, SubscriptionRecord
from .store import Conflict, Store
from .subscriptions_file import SubscriptionsFileError, dump_subscriptions, load_subscriptions

NOT_FOUND, BAD_INPUT = 1, 2


class _Fail(Exception):
    def __init__(self, message: str, code: int = BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pactwatch-subscriptions", description="Manage Pactwatch subscriptions."
    )
    parser.add_argument("--database-url", help="SQLAlchemy URL (default from the environment)")
    commands = parser.add_subparsers(dest="command", required=True)

    add = commands.add_parser("add", help="create a subscription")
    channel = add.add_mutually_exclusive_group(required=True)
    channel.add_argument("--email", help="email address")
    channel.add_argument("--webhook", help="webhook URL (http or https)")
    add.add_argument("--secret", action="append", default=[], help="webhook secret whsec_…")
    add.add_argument("--id", help="subscription id (default: generated)")
    add.add_argument("--label")
    add.add_argument(
        "--type", action="append", dest="event_types", choices=["signing", "cooperation"]
    )
    add.add_argument("--min-confidence", type=float)
    for name in ("party", "region", "sector", "keyword"):
        add.add_argument(f"--{name}", action="append", default=[], help=f"include {name} (repeat)")
        add.add_argument(f"--exclude-{name}", action="append", default=[], help=f"exclude {name}")
    add.add_argument("--language", action="append", default=[])
    add.add_argument("--source", action="append", default=[], help="source id")
    add.add_argument("--mode", choices=["instant", "hourly", "daily"], default="instant")
    add.add_argument("--digest-hour", type=int, default=8)
    add.add_argument("--timezone", default="UTC")
    add.add_argument("--updates", action="store_true", help="also alert on later reports")
    add.add_argument("--pending", action="store_true", help="create unconfirmed (pending)")

    listing = commands.add_parser("list", help="list subscriptions")
    listing.add_argument("--state", choices=["pending", "active", "paused", "disabled"])
    listing.add_argument("--offset", type=int, default=0)
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--json", action="store_true", help="one JSON object per line")

    for name, text in (("pause", "stop alerts"), ("resume", "alert again"), ("delete", "remove")):
        command = commands.add_parser(name, help=f"{text} for a subscription")
        command.add_argument("id")

    importing = commands.add_parser("import", help="create or update subscriptions from YAML")
    importing.add_argument("file", type=Path)
    importing.add_argument(
        "--reset-state", action="store_true", help="also set the state of existing ones"
    )
    exporting = commands.add_parser("export", help="write every subscription as YAML")
    exporting.add_argument("-o", "--output", type=Path, help="file (default: standard output)")
    return parser


def _create_from(args: argparse.Namespace) -> SubscriptionCreate:
    filters: dict[str, object] = {
        "parties": args.party,
        "parties_exclude": args.exclude_party,
        "regions": args.region,
        "regions_exclude": args.exclude_region,
        "sectors": args.sector,
        "sectors_exclude": args.exclude_sector,
        "keywords": args.keyword,
        "keywords_exclude": args.exclude_keyword,
        "languages": args.language,
        "source_ids": args.source,
    }
    if args.event_types:
        filters["event_types"] = args.event_types
    if args.min_confidence is not None:
        filters["min_confidence"] = args.min_confidence
    channel = (
        {"kind": "email", "address": args.email}
        if args.email is not None
        else {"kind": "webhook", "url": args.webhook, "secrets": args.secret}
    )
    if args.email is not None and args.secret:
        raise _Fail("--secret is for webhooks only")
    try:
        return SubscriptionCreate.model_validate(
            {
                "id": args.id,
                "channel": channel,
                "filters": filters,
                "mode": args.mode,
                "digest_hour": args.digest_hour,
                "timezone": args.timezone,
                "updates": args.updates,
                "state": "pending" if args.pending else "active",
                "label": args.label,
            }
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in exc.errors()
        )
        raise _Fail(f"invalid subscription: {problems}") from None


def _line(record: SubscriptionRecord) -> str:
    target = record.channel.address if record.channel.kind == "email" else str(record.channel.url)
    mode = (
        record.mode
        if record.mode == "instant"
        else f"{record.mode}@{record.digest_hour:02d}h {record.timezone}"
    )
    reason = f" ({record.state_reason})" if record.state_reason else ""
    return f"{record.id}\t{record.state}{reason}\t{record.channel.kind}:{target}\t{mode}"


def _run(args: argparse.Namespace, store: Store) -> int:
    out = sys.stdout
    if args.command == "add":
        try:
            record = store.subscriptions.create(_create_from(args))
        except Conflict as exc:
            raise _Fail(str(exc)) from None
        print(record.id, file=out)
    elif args.command == "list":
        if args.offset < 0 or args.limit < 0:
            raise _Fail("--offset and --limit must be >= 0")
        records, total = store.subscriptions.page(
            offset=args.offset, limit=args.limit, state=args.state
        )
        for record in records:
            print(record.model_dump_json() if args.json else _line(record), file=out)
        if not args.json:
            print(f"# {len(records)} of {total}", file=sys.stderr)
    elif args.command in ("pause", "resume"):
        state: State = "paused" if args.command == "pause" else "active"
        current = store.subscriptions.get(args.id)
        if current is None:
            raise _Fail(f"no subscription {args.id!r}", NOT_FOUND)
        if args.command == "resume" and current.state == "pending":
            raise _Fail(f"{args.id!r} is not confirmed yet (pending): it cannot be resumed")
        store.subscriptions.set_state(args.id, state)
        print(f"{args.id} {state}", file=out)
    elif args.command == "delete":
        if not store.subscriptions.delete(args.id):
            raise _Fail(f"no subscription {args.id!r}", NOT_FOUND)
        print(f"{args.id} deleted", file=out)
    elif args.command == "import":
        try:
            entries = load_subscriptions(args.file)
        except SubscriptionsFileError as exc:
            raise _Fail(str(exc)) from None
        created = updated = 0
        for entry in entries:
            try:
                _, new = store.subscriptions.upsert(
                    entry.to_create(), keep_state=not args.reset_state
                )
            except ValueError as exc:
                raise _Fail(f"{args.file}: subscription {entry.id}: {exc}") from None
            created += new
            updated += not new
        print(json.dumps({"created": created, "updated": updated}), file=out)
    elif args.command == "export":
        text = dump_subscriptions(store.subscriptions.all())
        if args.output is None:
            out.write(text)
        else:
            args.output.write_text(text, "utf-8")
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        url = args.database_url or Settings().database_url_resolved
    except ValidationError as exc:
        print(f"pactwatch-subscriptions: bad settings: {exc}", file=sys.stderr)
        sys.exit(BAD_INPUT)
    store = Store(url)
    try:
        store.migrate()
        code = _run(args, store)
    except _Fail as exc:
        print(f"pactwatch-subscriptions: {exc}", file=sys.stderr)
        code = exc.code
    except SQLAlchemyError as exc:
        print(f"pactwatch-subscriptions: database error: {exc}", file=sys.stderr)
        code = BAD_INPUT
    finally:
        store.close()
    sys.exit(code)


if __name__ == "__main__":
    main()
