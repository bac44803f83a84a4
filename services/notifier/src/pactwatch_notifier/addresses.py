"""The webhook address guard: a subscription may not point the notifier at our own network.

A webhook URL must be http(s), and every address its host resolves to must be a public one:
private, loopback, link-local, multicast, reserved, unspecified and shared (CGNAT) addresses
are refused unless the operator's allowlist (CIDRs) covers them. Checked twice: when a URL is
stored (the API, `check_webhook_url`), and when the worker connects (`GuardedResolver`, the
resolver of its webhook session, sees every address before a connection is made), so a host
whose DNS later points inward (rebinding) gets nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

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


def refusal(address: IpAddress, allowlist: list[IpNetwork]) -> str | None:
    """None when the worker may connect to `address`; otherwise the kind of address it is."""
    kind = why_not_public(address)
    if kind is None or any(address in net for net in allowlist):
        return None
    return kind


class RefusedAddress(Exception):
    """A webhook host resolved (at send time) to an address the guard refuses. Not an
    `OSError`, so aiohttp passes it through instead of calling it a connection error."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        super().__init__(
            f"the webhook host {host!r} resolves to {address}, a {kind} address"
            " (refused at send time: only public addresses or the allowlist)"
        )
        self.kind = kind


class GuardedResolver(AbstractResolver):
    """The webhook session's resolver: every address a name resolves to must pass the
    guard, or the send is refused (`RefusedAddress`). aiohttp does not resolve literal IP
    hosts: `check_literal` is for those."""

    def __init__(self, allowlist: list[IpNetwork], inner: AbstractResolver | None = None) -> None:
        self._allowlist = allowlist
        self._inner = inner or DefaultResolver()
        self._literal: dict[str, tuple[str, str, str] | None] = {}  # URL -> refusal, per URL

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            address = ipaddress.ip_address(result["host"].split("%")[0])
            kind = refusal(address, self._allowlist)
            if kind is not None:
                raise RefusedAddress(host, str(address), kind)
        return results

    def check_literal(self, url: str) -> None:
        """Raise `RefusedAddress` for a URL whose host is a refused literal address."""
        try:
            refused = self._literal[url]
        except KeyError:  # a literal's verdict never changes; a name's None (the resolver's)
            if len(self._literal) >= 4096:
                self._literal.clear()
            refused = self._literal[url] = self._refused_literal(url)
        if refused is not None:
            raise RefusedAddress(*refused)

    def _refused_literal(self, url: str) -> tuple[str, str, str] | None:
        host = urlsplit(url).hostname or ""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return None  # a name: the resolver sees its addresses
        kind = refusal(address, self._allowlist)
        return None if kind is None else (host, host, kind)

    async def close(self) -> None:
        await self._inner.close()


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
        kind = refusal(address, allowlist)
        if kind is None:
            continue
        raise UnsafeWebhook(
            kind,
            f"the webhook host {host!r} resolves to {address}, a {kind} address; "
            "only public addresses (or the operator's allowlist) are accepted",
        )
