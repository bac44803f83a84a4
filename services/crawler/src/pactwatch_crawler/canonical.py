"""URL canonicalisation and article ids: the same article under two URLs gets one id.

Applied before the seen check, so `https://Example.org:443/a/?utm_source=rss#top` and
`https://example.org/a` are one article. Only changes that cannot change which page a
server returns are made (case of scheme/host, default port, fragment, tracking
parameters, parameter order, a trailing slash).
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that identify the click, not the page (analytics, ad networks, share buttons).
_TRACKING_PREFIXES = ("utm_", "_hs", "mtm_", "pk_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci")
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "twclid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "spm",  # Alibaba / Taobao / many Chinese portals
        "scm",
        "from",  # WeChat / Chinese portals: from=timeline, from=groupmessage
        "isappinstalled",
        "share_token",
        "wt.mc_id",
        "cmpid",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters,
    sort the query and drop a trailing slash (except the root path)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:  # a non-numeric port: keep the URL recognisable, drop the port
        port = None
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    query = urlencode(
        sorted(
            (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
        )
    )
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered.startswith(_TRACKING_PREFIXES) or lowered in _TRACKING_PARAMS


def article_id(url: str) -> str:
    """32 hex characters identifying the article at this (canonicalised) URL."""
    return hashlib.sha256(canonical_url(url).encode()).hexdigest()[:32]
