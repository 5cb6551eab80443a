"""The rows of Choisir les établissements (templates/clients/companies/establishments.html), built here in
Python: a page of 100 rows through a Jinja macro cost ~1,800 autoescapes and filter calls, most of the
page's rendering. The markup is byte for byte what the macro wrote (tests/clients/test_chooser_rows.py
renders both); journeys find the boxes by their labels."""
from markupsafe import Markup, escape

from db.identifiers import format_siret
from webapp.templating import number_fr
from webapp.typography import NNBSP, french

CLOSED = '<span class="badge badge-closed">'


def _row(r):
    siret = str(escape(r.siret))
    shown = format_siret(r.siret).replace(" ", NNBSP)
    out = ['<tr class="is-pending">\n' if r.wanted != r.registered else "<tr>\n",
           f'  <td><input type="hidden" name="shown" value="{siret}">']
    if r.wanted:
        out.append(f'<input type="hidden" name="shown_wanted" value="{siret}">')
    out.append(f'    <input type="checkbox" name="siret" value="{siret}" id="s{siret}" '
               f'data-registered="{1 if r.registered else 0}"{" checked" if r.wanted else ""}'
               f'{" disabled" if not r.is_active and not r.registered else ""}>\n'
               f'    <label for="s{siret}" class="visually-hidden">Inscrire {escape(shown)}</label></td>\n'
               f'  <td class="mono">{escape(shown)}')
    if r.is_siege:
        out.append(' <span class="badge">siège</span>')
    out.append("</td>\n  <td>")
    if r.name:
        out.append(f"<strong>{escape(r.name)}</strong> – ")
    out.append(f"{escape(french(r.address))}</td>\n  <td>")
    if r.missing:
        out.append(f"{CLOSED}absent du référentiel</span>")
    elif not r.is_active:
        out.append(f"{CLOSED}fermé</span>")
    else:
        out.append("actif")
    out.append(f'</td>\n  <td class="num">{"" if r.missing else number_fr(r.habilitations)}</td>\n</tr>\n')
    return "".join(out)


def chooser_rows(rows, indent="      "):
    """The <tr> of each row (db.clients.chooser.Row), as the template's loop wrote them: the template
    indents the first, each row ends with a blank line."""
    return Markup(("\n" + indent).join(_row(r) for r in rows))
