"""The body of the matrix grid (templates/habilitations/matrix/_grid.html), its lines built here in
Python: a page of 100 establishments × 3 services has ~500 boxes, and a Jinja macro per box cost
~5,500 autoescapes a page, half of the page's server time. What is the same on every line (a
service's label, its column's words) is escaped once per page; a line escapes only its own values.
The markup is what the template wrote box by box: journeys find the boxes by their labels."""
from markupsafe import Markup, escape

from db.clock import datetime_fr, until_fr
from db.identifiers import format_siret
from webapp.typography import NNBSP, french


def _siret(value):
    return format_siret(value).replace(" ", NNBSP)


def _column_parts(d):
    """What a service's cells of every line share, escaped once: (id, label, payable)."""
    return d.id, str(escape(d.label)), bool(d.has_payment)


def _waiting(moment, described):
    when = str(escape(datetime_fr(moment)))
    return (f'<span class="waiting-mark" title="Utilisable à partir du {when}"'
            + (' aria-describedby="matrix-legend"' if described else "")
            + f'>◷<span class="visually-hidden"> utilisable à partir du {when}</span></span>')


def _cells(out, line, where, columns):
    for d, label, payable in columns:
        box = line.boxes.get(d)
        if box is None:
            out.append(f'        <td class="box not-selected" colspan="{2 if payable else 1}">'
                       f'<span aria-hidden="true">—</span>'
                       f'<span class="visually-hidden">{label} non sélectionnée ici</span></td>\n')
            continue
        key = str(escape(box.key))
        out.append(f'        <td class="box{" is-pending" if box.declare != box.saved_declare else ""}">'
                   f'<input type="checkbox" name="declare" value="{key}" data-column="d" data-service="{d}" '
                   f'data-saved="{1 if box.saved_declare else 0}" aria-label="Déclarer {label} : {where}"'
                   f'{" checked" if box.declare else ""}>')
        if box.declare_from:
            out.append(_waiting(box.declare_from, True))
        if box.until and (box.saved_declare or box.saved_pay):
            out.append(f'<span class="until-mark">jusqu’au {escape(until_fr(box.until))}</span>')
        shown_pay = (1 if box.pay else 0) if payable else "x"
        out.append(f'          <input type="hidden" name="shown" '
                   f'value="{key}-{1 if box.declare else 0}-{shown_pay}"></td>\n')
        if payable:
            out.append(f'<td class="box{" is-pending" if box.pay != box.saved_pay else ""}">'
                       f'<input type="checkbox" name="pay" value="{key}" data-column="p" data-service="{d}" '
                       f'data-saved="{1 if box.saved_pay else 0}" aria-label="Payer {label} : {where}"'
                       f'{" checked" if box.pay else ""}>')
            if box.pay_from:
                out.append(_waiting(box.pay_from, False))
            out.append("</td>")


def _head(line, by_person):
    """The line's first cell: the person, or the establishment (SIRET, siège, closed, address)."""
    if by_person:
        return (f'<strong>{escape(line.title)}</strong><br><span class="hint">{escape(line.name)}</span>\n'
                '        </th>\n')
    out = [f'<span class="mono nowrap">{escape(_siret(line.title))}</span>']
    if line.is_siege:
        out.append(' <span class="badge">Siège</span>')
    if not line.is_active:
        out.append(' <span class="badge badge-closed">Fermé</span>')
    out.append(f"          <br><strong>{escape(line.name)}</strong>")
    if line.street:
        out.append(f"<br>{escape(french(line.street))}")
    if line.postcode or line.town:
        out.append(f"<br>{escape(line.postcode)} {escape(line.town)}")
    out.append("        </th>\n")
    return "".join(out)


def matrix_lines(grid, by_person):
    """The <tr> of every line of the grid's page, as markup."""
    columns = [_column_parts(d) for d in grid.criteria.columns]
    out = []
    for line in grid.lines:
        where = str(escape(line.title if by_person else _siret(line.title)))
        ticked = line.all_ticked
        out.append(f'      <tr data-line="{escape(line.ref)}">\n'
                   '        <th scope="row" class="matrix-head">\n')
        out.append(_head(line, by_person))
        out.append('        <td class="box line-box">')
        if line.boxes:
            out.append(f'<input type="checkbox" name="line" value="{escape(line.ref)}" data-line-tick '
                       f'aria-label="Toute la ligne : {where}"{" checked" if ticked else ""}>\n'
                       f'          <input type="hidden" name="lines_shown" '
                       f'value="{escape(line.ref)}-{1 if ticked else 0}">')
        out.append("</td>\n")
        _cells(out, line, where, columns)
        out.append("      </tr>\n")
    return Markup("".join(out))
