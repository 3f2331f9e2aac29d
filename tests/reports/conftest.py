"""The web fixtures (a TestClient on the test stores, a signed-in browser) for the report pages."""

from tests.web.conftest import browser, client  # noqa: F401  (fixtures re-exported)
