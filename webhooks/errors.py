"""Error handlers: every refusal is a short JSON reason, never an HTML page or a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from webhooks import logs
from webhooks.inputs import BadInput

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


def register(app: Flask) -> None:
    """Install handlers for refusals, HTTP errors and anything unexpected."""

    @app.errorhandler(BadInput)
    def bad_input(exc: BadInput) -> tuple[Response, int]:
        return _json_error(exc.reason, exc.status)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response, int]:
        status = exc.code or 500
        return _json_error(_REASONS.get(status, "request failed"), status)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response, int]:
        logs.event("error", level=logging.ERROR, path=request.path, error=type(exc).__name__)
        return jsonify(error="internal error"), 500
