"""How big a request body may be: MAX_CONTENT_LENGTH for every form, UPLOAD_MAX_CONTENT_LENGTH for the
views that take a file (marked with @accepts_upload). Over the limit, Werkzeug stops reading and the
portal answers its French 413 page: nothing is parsed, nothing is stored."""
from flask.globals import _cv_request


def accepts_upload(view):
    """Mark a view that receives a file: its requests get UPLOAD_MAX_CONTENT_LENGTH."""
    view.accepts_upload = True
    return view


def init_app(app):
    """Call before CSRF protection is bound: its check reads the form, so the limit must be set first."""

    @app.before_request
    def _body_limit():
        current = _cv_request.get().request  # the request itself, not through its proxy
        view = app.view_functions.get(current.endpoint)
        if getattr(view, "accepts_upload", False):
            current.max_content_length = app.config["UPLOAD_MAX_CONTENT_LENGTH"]
