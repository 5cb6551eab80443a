"""HTTP load on loopback for the benchmarks that go through a real server: an app served by the
README's gunicorn line, a person logged in over HTTP (CSRF token and session cookie, as a browser),
and load runs by wrk when installed, else by a Python client (threads over keep-alive connections).
Every run is bounded in time and in requests; nothing leaves 127.0.0.1.

    with serve("webapp:create_app()", {"DATABASE_URL": url}) as server:
        session = login(server.port, siret, nom, prenom, password)
        run = load(server.port, "/menu", session, seconds=5)   # run.rps, run.errors
"""
import contextlib
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from tests.factories.servers import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
USER_AGENT = "portal-bench"  # one user agent for the login and the load (Flask-Login's strong sessions)
MAX_REQUESTS = 2_000_000  # a run stops at its duration or at this many requests
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Server:
    port: int
    log: str  # gunicorn's error log (tracebacks, "database is locked")
    pid: int = 0  # gunicorn's master process

    def log_text(self):
        with open(self.log, encoding="utf-8", errors="replace") as fh:
            return fh.read()

    def workers(self):
        """The pids of gunicorn's workers (the master's children)."""
        with open(f"/proc/{self.pid}/task/{self.pid}/children") as fh:
            return [int(pid) for pid in fh.read().split()]


def cpu_seconds(pids):
    """{pid: seconds on a CPU} of single-threaded processes (gunicorn's sync workers, PostgreSQL's
    backends), from the scheduler's own count (/proc/<pid>/schedstat, nanoseconds), not sampled at ticks;
    a process gone is left out."""
    found = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/schedstat") as fh:
                found[pid] = int(fh.read().split()[0]) / 1e9
        except OSError:
            pass
    return found


@contextlib.contextmanager
def serve(app_spec, env=None, workers=4):
    """The app served as the README says (`gunicorn --workers 4 --bind 127.0.0.1:…`), on a free port."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False).name
    # The README's line, plus a log that keeps the app's own output (tracebacks, "database is locked").
    command = [GUNICORN, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--error-logfile", log,
               "--capture-output", app_spec]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port, process)
        yield Server(port, log, process.pid)
    finally:
        process.terminate()
        process.wait(30)
        os.remove(log)


def _wait_for(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn s'est arrêté (code {process.returncode})")
        with contextlib.suppress(OSError):
            status, _, _ = request(port, "GET", "/")
            if status:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn ne répond pas")


def request(port, method, path, cookie=None, form=None, connection=None):
    """(status, headers, body) of one request; form is urlencoded."""
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        if own:
            connection.close()


def session_cookie(headers, previous=None):
    """The session cookie a response sets (or the previous one)."""
    for header in headers.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            return header.split(";", 1)[0]
    return previous


def csrf_token(body):
    found = _TOKEN.search(body)
    return found.group(1) if found else None


def login(port, siret, nom, prenom, password):
    """The session cookie of a person logged in through the connexion form."""
    _, headers, body = request(port, "GET", "/connexion")
    cookie = session_cookie(headers)
    form = {"csrf_token": csrf_token(body), "siret": siret, "nom": nom, "prenom": prenom,
            "password": password}
    status, headers, _ = request(port, "POST", "/connexion", cookie, form)
    if status != 302:
        raise RuntimeError(f"connexion refusée ({status})")
    cookie = session_cookie(headers, cookie)
    # The first page after the connexion stores a new CSRF secret in the new session: the cookie
    # the load runs send is that one, so that their pages do not set a cookie each time. The
    # connexion sends to « / », which sends on to the Menu: followed as a browser does (with only
    # the first hop, every page of a load run made, signed and sent a new CSRF secret and cookie).
    status, location = 302, headers["Location"]
    for _ in range(5):
        if status not in (301, 302, 303):
            break
        status, headers, _ = request(port, "GET", urllib.parse.urlsplit(location).path, cookie)
        cookie = session_cookie(headers, cookie)
        location = headers.get("Location")
    return cookie


@dataclass
class Run:
    requests: int
    seconds: float
    errors: int  # non-2xx answers and socket errors
    statuses: dict = field(default_factory=dict)

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0


def load(port, path, cookie=None, seconds=5.0, connections=32, threads=2):
    """A GET load run on path: wrk (threads, connections) when installed, else the Python client."""
    if shutil.which("wrk"):
        return _wrk(port, path, cookie, seconds, connections, threads)
    return python_load(port, lambda connection: request(port, "GET", path, cookie, connection=connection),
                       seconds, connections)


def _wrk(port, path, cookie, seconds, connections, threads):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--timeout", "10s", "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                            check=True, timeout=seconds + 60).stdout
    total = int(re.search(r"(\d+) requests in", output).group(1))
    elapsed = re.search(r"requests in ([\d.]+)(ms|s|m)", output)
    scale = {"ms": 0.001, "s": 1, "m": 60}[elapsed.group(2)]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return Run(total, float(elapsed.group(1)) * scale, errors)


def python_load(port, step, seconds, clients):
    """clients threads, each over its own keep-alive connection, calling step(connection) → (status, …)
    until `seconds` have passed or MAX_REQUESTS were made in all; a status ≥ 400 or an exception is
    an error. Returns a Run with the count of each status."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    statuses, totals = {}, {"requests": 0, "errors": 0}

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline and totals["requests"] < MAX_REQUESTS:
            try:
                status = step(connection)[0]
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = "erreur réseau"
            with lock:
                totals["requests"] += 1
                statuses[status] = statuses.get(status, 0) + 1
                if status == "erreur réseau" or status >= 400:
                    totals["errors"] += 1
        connection.close()

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return Run(totals["requests"], time.monotonic() - started, totals["errors"], statuses)
