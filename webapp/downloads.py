"""Files the portal hands out (CSV exports): one answer for all, never kept in a cache."""
from flask import Response, stream_with_context


def csv_download(filename, chunks, stream=False):
    """The text chunks of a CSV written by db.formats.csv_files, as an attachment. stream=True sends it as
    it is produced (the chunks then query the database in batches, inside the request's context)."""
    response = Response(stream_with_context(chunks) if stream else "".join(chunks),
                        content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
