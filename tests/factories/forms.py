"""Read the forms of an HTML page as a browser would submit them: action, method, and the default
value of each named field (hidden and text inputs, checked boxes, selected options, text areas, the
first named submit button). A submit button with its own formaction makes one more form, sent there."""
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class Form:
    action: str
    method: str
    htmx: bool
    values: dict = field(default_factory=dict)  # name -> [values]
    kinds: dict = field(default_factory=dict)  # name -> input type, "select", "textarea"
    button: tuple | None = None  # (name, value) of the first named submit button
    alternates: list = field(default_factory=list)  # (action, (name, value)) of buttons with a formaction

    def data(self, **replaced):
        """The submitted values, with some fields replaced (a str, or a list for several values)."""
        data = {name: list(values) for name, values in self.values.items()}
        if self.button and self.button[0] not in data:
            data[self.button[0]] = [self.button[1]]
        for name, value in replaced.items():
            data[name] = value if isinstance(value, list) else [value]
        return data

    @property
    def fields(self):
        """Names a person fills or chooses (not the CSRF token)."""
        return [name for name in self.kinds if name != "csrf_token"]


class _Parser(HTMLParser):
    def __init__(self, base):
        super().__init__(convert_charrefs=True)
        self.base, self.forms, self.form, self.select, self.option, self.textarea = (
            base,
            [],
            None,
            None,
            None,
            None,
        )

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            target = a.get("action") or a.get("hx-post") or a.get("hx-get") or ""
            method = "post" if ("hx-post" in a or (a.get("method") or "get").lower() == "post") else "get"
            self.form = Form(urljoin(self.base, target), method.upper(), "hx-post" in a or "hx-get" in a)
            self.forms.append(self.form)
        elif tag == "option" and self.form is not None and self.select and "selected" in a:
            self.form.values[self.select].append(a.get("value", ""))
        elif self.form is None or "name" not in a or "disabled" in a:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                if kind == "submit":
                    self._button(a)
                return
            self.form.kinds.setdefault(a["name"], kind)
            values = self.form.values.setdefault(a["name"], [])
            if kind not in ("checkbox", "radio") or "checked" in a:
                values.append(a.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "button":
            if (a.get("type") or "submit") == "submit":
                self._button(a)
        elif tag == "select":
            self.select = a["name"]
            self.form.kinds.setdefault(self.select, "select")
            self.form.values.setdefault(self.select, [])
        elif tag == "textarea":
            self.textarea = a["name"]
            self.form.kinds.setdefault(self.textarea, "textarea")
            self.form.values[self.textarea] = [""]

    def _button(self, a):
        if a.get("formaction"):
            self.form.alternates.append(
                (urljoin(self.base, a["formaction"]), (a["name"], a.get("value", "")))
            )
        elif self.form.button is None:
            self.form.button = (a["name"], a.get("value", ""))

    def handle_data(self, data):
        if self.textarea and self.form is not None:
            self.form.values[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.form is not None:
            for action, button in self.form.alternates:
                self.forms.append(
                    Form(action, self.form.method, self.form.htmx, self.form.values, self.form.kinds, button)
                )
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def forms(page_html, base="http://localhost/"):
    """The page's forms, in document order."""
    parser = _Parser(base)
    parser.feed(page_html)
    return parser.forms
