"""The FastAPI application factory."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from floorwalker import __version__
from floorwalker.auth import tokens
from floorwalker.db import get_engine
from floorwalker.errors import DomainError
from floorwalker.settings import Settings, get_settings
from floorwalker.web.deps import CSRF_COOKIE, CsrfFailed, LoginRequired
from floorwalker.web.templating import render

STATIC_DIR = Path(__file__).parent / "static"


def _wants_json(request: Request) -> bool:
    return (
        request.url.path.startswith("/api/")
        or "application/json" in request.headers.get("accept", "").split(",")[0]
    )


class SecurityMiddleware(BaseHTTPMiddleware):
    """Issues the CSRF cookie (its value is put on request.state for forms) and sets
    conservative security headers."""

    def __init__(self, app, settings: Settings) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app)
        self.settings = settings

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        existing = request.cookies.get(CSRF_COOKIE)
        request.state.csrf_token = existing or tokens.new_secret(24)
        response = await call_next(request)
        if not existing:
            response.set_cookie(
                CSRF_COOKIE,
                request.state.csrf_token,
                httponly=True,
                samesite="strict",
                secure=self.settings.secure_cookies,
                path="/",
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith(("/docs", "/redoc")):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
            )
        return response


def _error_response(request: Request, status: int, message: str, field: str | None = None) -> Response:
    if _wants_json(request):
        body: dict[str, object] = {"detail": message}
        if field:
            body["field"] = field
        return JSONResponse(body, status_code=status)
    return render(request, "error.html", {"status": status, "message": message}, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        return _error_response(request, exc.status_code, exc.message, exc.field)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        suffix = "&expired=1" if exc.expired else ""
        return RedirectResponse(f"/login?next={quote(target)}{suffix}", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _exc: CsrfFailed) -> Response:
        return _error_response(
            request,
            403,
            "The form's security token is missing or stale. Reload the page and try again.",
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"field": ".".join(str(p) for p in err["loc"][1:]), "message": err["msg"]} for err in exc.errors()
        ]
        if _wants_json(request):
            return JSONResponse({"detail": "invalid request", "errors": problems}, status_code=422)
        text_ = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        return _error_response(request, 422, f"Invalid request: {text_}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error_response(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # Log the traceback for the operator; show the user a sentence, never a traceback.
        import logging

        logging.getLogger("floorwalker").exception("unhandled error on %s", request.url.path)
        return _error_response(request, 500, f"Internal error ({type(exc).__name__}); see the server log.")


def _install_api_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the swagger-ui-bundle wheel, so it works on a closed network."""
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse

    app.mount("/swagger-ui", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/v1/openapi.json",
            title="floorwalker API",
            swagger_js_url="/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/swagger-ui/favicon-32x32.png",
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="floorwalker",
        version=__version__,
        description="The contact-center manager's workbench. JSON API; authenticate with "
        "`Authorization: Bearer <token>` (create one with `floorwalker users token`).",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served below from the installed swagger-ui-bundle, never a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.add_middleware(SecurityMiddleware, settings=settings)
    _install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    _install_api_docs(app)

    @app.get("/healthz", tags=["health"])
    def healthz() -> JSONResponse:
        """Liveness and store reachability (no authentication; reveals no data)."""
        status = {"status": "ok", "version": __version__, "operational": "ok", "warehouse": "ok"}
        code = 200
        for key, url in (
            ("operational", settings.resolved_database_url),
            ("warehouse", settings.resolved_warehouse_url),
        ):
            try:
                with get_engine(url).connect() as conn:
                    conn.execute(text("SELECT 1"))
            except Exception:
                status[key] = "unavailable"
                status["status"] = "degraded"
                code = 503
        return JSONResponse(status, status_code=code)

    from floorwalker.auth import api as auth_api
    from floorwalker.auth import pages as auth_pages
    from floorwalker.contacts import api as contacts_api
    from floorwalker.contacts import pages as contacts_pages
    from floorwalker.metrics import api as metrics_api
    from floorwalker.metrics import pages as metrics_pages
    from floorwalker.org import api as org_api
    from floorwalker.org import pages as org_pages
    from floorwalker.quality import api as quality_api
    from floorwalker.quality import calibration_pages as quality_calibration_pages
    from floorwalker.quality import coaching_api as quality_coaching_api
    from floorwalker.quality import coaching_pages as quality_coaching_pages
    from floorwalker.quality import pages as quality_pages
    from floorwalker.reports import api as reports_api
    from floorwalker.reports import pages as reports_pages
    from floorwalker.wfm import pages as wfm_pages

    for router in (auth_api.router, org_api.router, metrics_api.router, contacts_api.router):
        app.include_router(router, prefix="/api/v1")
    for router in (auth_pages.router, org_pages.router, metrics_pages.router, contacts_pages.router):
        app.include_router(router)
    app.include_router(quality_api.router, prefix="/api/v1")
    app.include_router(quality_pages.router)
    app.include_router(wfm_pages.router)
    app.include_router(quality_coaching_api.router, prefix="/api/v1")
    app.include_router(quality_coaching_pages.router)
    from floorwalker.wfm import schedule_api, schedule_pages, swap_pages

    app.include_router(schedule_pages.router)
    from floorwalker.wfm import intraday_api, intraday_pages

    app.include_router(intraday_pages.router)
    app.include_router(intraday_api.router, prefix="/api/v1")
    from floorwalker.wfm import availability_api, availability_pages

    app.include_router(availability_api.router, prefix="/api/v1")
    app.include_router(availability_pages.router)
    app.include_router(swap_pages.router)
    app.include_router(schedule_api.router, prefix="/api/v1")
    app.include_router(quality_calibration_pages.router)
    app.include_router(quality_calibration_pages.analytics_router)
    app.include_router(reports_api.router, prefix="/api/v1")
    app.include_router(reports_pages.router)
    from floorwalker.sim import api as sim_api
    from floorwalker.sim import pages as sim_pages

    app.include_router(sim_api.router, prefix="/api/v1")
    app.include_router(sim_pages.router)
    return app
