"""The ceiling of the stack: a Flask app that answers a fixed text, served by the same gunicorn line as
the portal (bench/bench_web_ceiling.py measures each page as a share of its requests per second)."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Bonjour"
