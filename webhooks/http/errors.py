"""Error handlers: every refusal is a short reason (JSON for the API and webhooks, a page for
the office dashboard), never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from webhooks import logs
from webhooks.http.inputs import BadInput

_REASONS = {
    400: "bad request",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    413: "body too large",
    415: "unsupported content type",
}


def _json_error(reason: str, status: int) -> tuple[Response, int]:
    logs.event("refused", level=logging.WARNING, status=status, path=request.path, reason=reason)
    return jsonify(error=reason), status


def _office_page(reason: str, status: int, detail: str = "") -> tuple[str, int]:
    logs.event("refused", level=logging.WARNING, status=status, path=request.path, reason=reason)
    page = render_template("office/error.html", status=status, reason=reason, detail=detail)
    return page, status


def register(app: Flask) -> None:
    """Install handlers for refusals, HTTP errors and anything unexpected."""

    @app.errorhandler(BadInput)
    def bad_input(exc: BadInput) -> tuple[Response, int]:
        response, status = _json_error(exc.reason, exc.status)
        response.headers.update(exc.headers)
        return response, status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response | str, int]:
        status = exc.code or 500
        reason = _REASONS.get(status, "request failed")
        if request.path.startswith("/office"):
            custom = exc.description if exc.description != type(exc).description else None
            return _office_page(reason, status, custom or "")
        return _json_error(reason, status)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response, int]:
        logs.event("error", level=logging.ERROR, path=request.path, error=type(exc).__name__)
        return jsonify(error="internal error"), 500
