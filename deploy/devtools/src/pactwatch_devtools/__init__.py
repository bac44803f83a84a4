"""Real local servers and process control for Pactwatch's tests, demo and benchmarks."""

from ._corpus import GeneratedArticle, generate_articles
from ._feeds import FeedItem, render_rss
from ._processes import ServiceProcess, free_port
from ._seeds import SEEDS_DIR, load_seeds
from ._servers import FeedServer, SmtpSink, WebhookReceiver
from ._topics import create_topics, produce, read_topic
from ._waiting import wait_until
from .hostile import HostileServer
from .postgres import PostgresError, PostgresServer

__all__ = [
    "SEEDS_DIR",
    "FeedItem",
    "FeedServer",
    "GeneratedArticle",
    "HostileServer",
    "PostgresError",
    "PostgresServer",
    "ServiceProcess",
    "SmtpSink",
    "WebhookReceiver",
    "create_topics",
    "free_port",
    "generate_articles",
    "load_seeds",
    "produce",
    "read_topic",
    "render_rss",
    "wait_until",
]
