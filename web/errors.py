"""Every error a person can cause gets a clear message and a 4xx, never a stack trace.

Browsers get the error page; machine clients get an RFC 9457 problem document. Which paths
serve machine clients is each feature's to say (``serve_problems_under``).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.errors import DomainError, GatewayUnavailable, NotFound, NotPermitted
from core.wording import translatable

# A processor that did not answer is the server's side: 503, and the same request may be tried again.
DOMAIN_STATUS: dict[type[DomainError], int] = {NotFound: 404, NotPermitted: 403, GatewayUnavailable: 503}
PROBLEM_PATHS = "shiplog.problem_paths"
# The titles a customer may meet, as Werkzeug names them (English stays exactly that), and what to
# say instead of Werkzeug's own explanation when a view gave none.
_TITLES = (
    translatable("Bad Request"),
    translatable("Forbidden"),
    translatable("Not Found"),
    translatable("Method Not Allowed"),
    translatable("Conflict"),
    translatable("Gone"),
    translatable("Request Entity Too Large"),
    translatable("URI Too Long"),
    translatable("Unprocessable Entity"),
    translatable("Too many requests"),
    translatable("You have made a lot of requests. Please wait a minute and try again."),
)
_PLAIN_DETAIL = {
    404: translatable("There is nothing at this address. Check the link, or look your order up."),
    405: translatable("This page cannot be used that way. Go back and try again."),
}


def serve_problems_under(app: Flask, *prefixes: str) -> None:
    """Errors on paths starting with one of ``prefixes`` answer problem+json instead of a page."""
    app.extensions[PROBLEM_PATHS] = (*app.extensions.get(PROBLEM_PATHS, ()), *prefixes)


def wants_json() -> bool:
    return request.path.startswith(current_app.extensions.get(PROBLEM_PATHS, ()))


def problem(status: int, title: str, detail: str, errors: dict[str, str] | None = None) -> Response:
    """An RFC 9457 problem document."""
    body: dict[str, object] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _page(status: int, title: str, detail: str) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, detail=detail), status


def _for_people(error: HTTPException, status: int, title: str, detail: str) -> tuple[str, str]:
    """(title, detail) in the page's language; a view's own description is already in it."""
    if detail == type(error).description and status in _PLAIN_DETAIL:
        detail = _PLAIN_DETAIL[status]
    return gettext(title), gettext(detail) if detail else ""


def _own_headers(error: HTTPException) -> list[tuple[str, str]]:
    """The fields the error itself carries (a 405's ``Allow``, a 401's ``WWW-Authenticate``),
    which the answer built here must keep; its Content-Type is the default page's, not ours."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def install(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Response | tuple[str, int]:
        status = DOMAIN_STATUS.get(type(error), 422)
        if wants_json():
            return problem(
                status,
                error.code.replace("_", " "),
                error.message,
                {error.field: error.message} if error.field else None,
            )
        return _page(status, gettext("We could not do that"), gettext(error.message))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response | tuple[str, int]:
        if wants_json():
            return problem(400, "Bad request", "This form has expired. Please go back, reload the page and try again.")
        detail = gettext("This form has expired. Please go back, reload the page and try again.")
        return _page(400, gettext("Form expired"), detail)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        title = "Too many requests" if status == 429 else (error.name or "Error")
        detail = (
            "You have made a lot of requests. Please wait a minute and try again."
            if status == 429
            else (error.description or "")
        )
        if wants_json():
            response = make_response(problem(status, title, detail))
        else:
            response = make_response(_page(status, *_for_people(error, status, title, detail)))
        response.headers.extend(_own_headers(error))
        return response
