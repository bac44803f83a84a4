"""The webhook address guard: a subscription may not point the notifier at our own network.

A webhook URL must be http(s), and every address its host resolves to must be a public one:
private, loopback, link-local, multicast, reserved, unspecified and shared (CGNAT) addresses
are refused unless the operator's allowlist (CIDRs) covers them. The check runs when a URL is
stored; a host whose DNS later changes (rebinding) is not re-checked at delivery time.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]


class UnsafeWebhook(ValueError):
    """The URL is not acceptable; `reason` is a short code, the message says why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def parse_allowlist(entries: Iterable[str]) -> list[IpNetwork]:
    """CIDRs or single addresses; raises ValueError naming a wrong entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"webhook allowlist entry {entry!r} is no CIDR or address") from None
    return networks


def system_resolver(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (A and AAAA)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def why_not_public(address: IpAddress) -> str | None:
    """None for a public unicast address; otherwise the kind of address it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return why_not_public(address.ipv4_mapped)
    for kind, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    ):
        if flag:
            return kind
    if not address.is_global:
        return "non-global"  # e.g. 100.64.0.0/10 shared address space
    return None


def check_webhook_url(
    url: str, allowlist: list[IpNetwork], resolve: Resolver = system_resolver
) -> None:
    """Raise `UnsafeWebhook` unless `url` is http(s) and its host's addresses are all public
    (or allowlisted). Every resolved address counts: one private answer is enough to refuse."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeWebhook("scheme", "webhook URLs must be http or https")
    host = parts.hostname
    if not host:
        raise UnsafeWebhook("no_host", "the webhook URL has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeWebhook("port", "the webhook URL has an invalid port") from None
    try:
        literal: IpAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in resolve(host, port)]
        except (OSError, UnicodeError) as exc:
            raise UnsafeWebhook(
                "unresolvable", f"the webhook host {host!r} does not resolve"
            ) from (exc)
        if not addresses:
            raise UnsafeWebhook("unresolvable", f"the webhook host {host!r} does not resolve")
    for address in addresses:
        kind = why_not_public(address)
        if kind is None or any(address in net for net in allowlist):
            continue
        raise UnsafeWebhook(
            kind,
            f"the webhook host {host!r} resolves to {address}, a {kind} address; "
            "only public addresses (or the operator's allowlist) are accepted",
        )
