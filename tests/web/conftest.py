from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from floorwalker.web.app import create_app
from floorwalker.web.deps import CSRF_COOKIE
from tests import factories as f


class Browser:
    """A TestClient that signs in through the real login form and sends CSRF tokens."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    @property
    def csrf(self) -> str:
        if CSRF_COOKIE not in self.client.cookies:
            self.client.get("/login")
        return self.client.cookies[CSRF_COOKIE]

    def login(self, username: str, password: str = f.PASSWORD):
        return self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": self.csrf, "next": "/"},
        )

    def post(self, path: str, data: dict | None = None, **kw):
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kw)

    def get(self, path: str, **kw):
        return self.client.get(path, **kw)


@pytest.fixture
def client(stores) -> Iterator[TestClient]:
    with TestClient(create_app(stores.settings), follow_redirects=True) as c:
        yield c


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.fixture(autouse=True)
def _fresh_metrics_cache() -> None:
    """Each test's stores hold other data: no overview may come from an earlier test's cache."""
    from floorwalker.metrics import cache

    cache.bump()
    cache.overview_cache.clear()
