"""The numbered pagination (_macros/pager.html) as a reader sees it, for the view tests of paged pages."""
import re


def pagination(html):
    """The visible words of the page's pagination, the current page in brackets:
    « Précédente 1 [2] 3 … 13 Suivante »; "" when the page has no pagination."""
    nav = re.search(r'<nav class="pagination" aria-label="[^"]+">(.*?)</nav>', html, re.S)
    if not nav:
        return ""
    items = []
    for item in re.findall(r"<li[^>]*>(.*?)</li>", nav.group(1), re.S):
        seen = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", item)
        words = re.sub(r"<[^>]+>", "", seen).strip()
        items.append(f"[{words}]" if 'aria-current="page"' in item else words)
    return " ".join(items)
