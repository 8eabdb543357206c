"""GET /api/v1/reports/summary (the coordinator's report: JSON, or as XLSX / PDF with ?format=) and
GET /api/v1/exports/<form_id> (one instrument's records as CSV or XLSX, streamed)."""
from __future__ import annotations

from flask import Response, jsonify, request

from ..services import data_export, reports
from .api import bp, container, current_user, login_required
from .cases import translated


def _attachment(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/reports/summary")
@login_required
def report_summary():
    args = request.args
    fmt = args.get("format", "json")
    if fmt == "json":
        return jsonify(translated(reports.summary(container(), current_user(), args.get("from"), args.get("to"))))
    name, mimetype, content = reports.report_file(container(), current_user(), fmt, args.get("lang"),
                                                  args.get("from"), args.get("to"))
    return _attachment(content, mimetype, name)


@bp.get("/exports/<form_id>")
@login_required
def export_records(form_id: str):
    result = data_export.export_records(container(), current_user(), form_id, request.args)
    return _attachment(result.chunks, result.mimetype, result.filename)
