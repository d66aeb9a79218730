"""The Slack Web API client: Slack's own URL or `SLACK_API_URL`, with rate-limit handling."""
from __future__ import annotations

import copy

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings

DEFAULT_API_URL = "https://slack.com/api/"


def api_url(settings: Settings) -> str:
    url = settings.slack_api_url or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


def build_client(settings: Settings, *, rate_limit_retries: int = 3, timeout: int = 15) -> AsyncWebClient:
    """An AsyncWebClient that waits out HTTP 429 `Retry-After` and retries dropped connections and 5xx once."""
    return AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=api_url(settings),
        timeout=timeout,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
            AsyncServerErrorRetryHandler(max_retry_count=1),
        ],
    )


def without_retries(client: AsyncWebClient) -> AsyncWebClient:
    """The same client with no automatic retries, for outbox deliveries. The outbox retries by
    itself and knows that a post may already have arrived; a retry inside the client would
    re-post after a timeout or 5xx without checking, and would sleep out a 429's Retry-After
    while the delivery holds its outbox lease."""
    bare = copy.copy(client)
    bare.retry_handlers = []
    return bare
