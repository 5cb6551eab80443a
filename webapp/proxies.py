"""Behind the recommended HTTPS proxy (nginx…): the visitor's address and scheme come from
X-Forwarded-For and X-Forwarded-Proto, through Werkzeug's ProxyFix, but only when the request comes
from one of TRUSTED_PROXIES. From anyone else those headers are ignored: nobody picks the address
that the login throttling counts, and one visitor's failures never make the proxy's address wait
for everyone."""
import ipaddress

from werkzeug.middleware.proxy_fix import ProxyFix


def networks(setting):
    """TRUSTED_PROXIES ("127.0.0.1, 10.0.0.0/8") as networks; a typo stops the start, in French."""
    found = []
    for item in str(setting or "").replace(",", " ").split():
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise RuntimeError(f"TRUSTED_PROXIES : « {item} » n'est ni une adresse IP ni un réseau "
                               "(exemple : 127.0.0.1, 10.0.0.0/8).") from None
    return tuple(found)


class TrustedProxies:
    """WSGI middleware: ProxyFix for requests from a trusted proxy, over as many trusted hops as the
    X-Forwarded-For chain shows (a CDN, then nginx): the visitor is the first address not trusted."""

    def __init__(self, app, trusted):
        self.app = app
        self.trusted = trusted

    def _is_trusted(self, address):
        try:
            return any(ipaddress.ip_address(address.strip()) in network for network in self.trusted)
        except ValueError:
            return False

    def __call__(self, environ, start_response):
        # No proxy trusted (the default): nobody's address is parsed, every forwarded header is dropped.
        if not self.trusted or not self._is_trusted(environ.get("REMOTE_ADDR") or ""):
            for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                           "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX"):
                environ.pop(header, None)  # said by the visitor itself: not believed
            return self.app(environ, start_response)
        chain = [part for part in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        hops = 1
        while hops < len(chain) and self._is_trusted(chain[-hops]):
            hops += 1
        return ProxyFix(self.app, x_for=hops, x_proto=1)(environ, start_response)


def init_app(app):
    app.wsgi_app = TrustedProxies(app.wsgi_app, networks(app.config["TRUSTED_PROXIES"]))
