"""GET /api/v1/records/<id>/pdf and /api/v1/cases/<id>/pdf: a printout in the reader's language(s).

Query: `lang` (required: nl, en or bg), `lang2` (optional: a second language printed beside the first), and for
a case `records` (optional: record ids separated by commas; all of the case's records when absent). There is no
option to print the client's name: cases hold only a pseudonymous client code.
"""
from __future__ import annotations

from flask import Response, request

from ..services import export
from .api import bp, container, current_scope, current_user, login_required


def _pdf_response(result: export.PdfExport) -> Response:
    response = Response(result.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response.headers["X-PDF-Engine"] = result.engine
    return response


@bp.get("/records/<record_id>/pdf")
@login_required
def record_pdf(record_id: str):
    args = request.args
    return _pdf_response(export.export_record_pdf(container(), current_user(), current_scope(), record_id,
                                                  args.get("lang"), args.get("lang2")))


@bp.get("/cases/<case_id>/pdf")
@login_required
def case_pdf(case_id: str):
    args = request.args
    return _pdf_response(export.export_case_pdf(container(), current_user(), current_scope(), case_id,
                                                args.get("lang"), args.get("lang2"), args.get("records")))
