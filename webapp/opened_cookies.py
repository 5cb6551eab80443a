"""The session cookies this process has already opened, by their exact bytes.

A browser sends its session cookie back unchanged on every page until the session changes; Flask
unsigned and decoded it again each time (the Cookie header parsed, the HMAC checked, base64, JSON,
the tagged values: ~250 Python calls a request). The same bytes under the same keys always open to the
same data, so what they opened to is kept, with the moment they were signed: the age limit Flask gives
itsdangerous (PERMANENT_SESSION_LIFETIME) is checked again on every request, as itsdangerous checks it.
Only a cookie whose signature was verified here is kept, and only when its values are plain (a
string, a number, a boolean): a list (flashed messages) could be changed in place by the request."""
import time

from itsdangerous import BadSignature

KEPT = 10_000  # per worker process: a few per browser seen
PLAIN = (str, bool, int, float, type(None))


class OpenedCookies:
    def __init__(self):
        self._data = {}

    def open(self, serializer, name, request, max_age, session_class):
        """Flask's SecureCookieSessionInterface.open_session, the cookie's data taken from what these
        bytes opened to before when they are still young enough."""
        header = request.environ.get("HTTP_COOKIE")
        key = (serializer, name, header)
        opened = self._data.get(key) if header else None
        if opened is not None:
            data, signed_at = opened
            age = int(time.time()) - signed_at
            if 0 <= age <= max_age:
                return session_class(data)
        value = request.cookies.get(name)
        if not value:
            return session_class()
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:  # SignatureExpired included, as in Flask
            return session_class()
        if type(data) is dict and all(type(item) in PLAIN for item in data.values()):
            if len(self._data) >= KEPT:
                self._data.clear()
            self._data[key] = (dict(data), int(signed_at.timestamp()))
        return session_class(data)
