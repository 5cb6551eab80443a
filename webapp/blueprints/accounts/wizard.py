"""What the inscription's steps share: the steps in order, the state kept server-side (the session
holds only the draft's opaque key, see db/accounts/drafts.py), the guard that sends a person back to
the first unfinished step, and answers that write no session (the live field checks)."""
from functools import wraps

from flask import current_app, flash, make_response, redirect, render_template, session, url_for
from flask.globals import _cv_request

from db.accounts import drafts

STEPS = [
    ("inscription.start", "Vos identifiants"),
    ("inscription.conditions", "Conditions générales"),
    ("inscription.establishment", "Votre établissement"),
    ("inscription.credentials", "Mot de passe"),
    ("inscription.summary", "Récapitulatif"),
    ("registration.profile", "Vous êtes…"),
    ("registration.declarants", "Déclarants"),
    ("registration.validation", "Validation de l’inscription"),
    ("registration.done", "Adresse électronique"),
]
KEY = "inscription"
EXPIRED = (f"Votre inscription en cours a expiré après {drafts.DRAFT_HOURS} heures sans activité : rien n'a "
           "été enregistré, recommencez-la.")


def load_state():
    """The draft of this visitor's inscription ({"reached": 0} when none has started)."""
    key = session.get(KEY)
    state = drafts.load(key) if key else None
    return state if state is not None else {"reached": 0}


def save_state(state, reached=None):
    """Store the state server-side. Only the first save writes the session (the draft's key)."""
    if reached is not None:
        state["reached"] = max(state.get("reached", 0), reached)
    key = session.get(KEY)
    if not key or not drafts.save(key, state):
        session[KEY] = drafts.start(state)


def forget_state():
    """The inscription ended (created, abandoned, refused): the draft and its key go."""
    drafts.discard(session.pop(KEY, None))


def step(number):
    """The view of step `number` takes the state, and is reachable once the steps before it are
    done; otherwise the first unfinished step answers (saying so when the draft has expired)."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            state = load_state()
            reached = state.get("reached", 0)
            if reached < number - 1:
                if session.get(KEY) and reached == 0:
                    session.pop(KEY)
                    flash(EXPIRED, "warning")
                return redirect(url_for(STEPS[reached][0]))
            return view(state, *args, **kwargs)
        return wrapped
    return decorate


def page(template, state, number, status=200, **context):
    """A step's full page, with the step indicator's list."""
    return render_template(template, state=state, steps=STEPS, current=number, **context), status


def without_session(view):
    """The answer of view never carries the session: whatever the view or its templates touched
    (Flask-Login marks an anonymous session on every render), nothing is written back, so a late
    answer cannot replace the cookie of a step submitted meanwhile."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        # Flask saves the request context's session after the view: a null session is never saved.
        # (Flask 3.1 keeps it in _session; the test of the race fails if that ever changes.)
        context = _cv_request.get()
        null = current_app.session_interface.make_null_session(current_app)
        if "_session" in vars(context):
            context._session = null
        else:
            context.session = null
        return response
    return wrapped
