"""HTML → PDF. Two engines take the same HTML from the same templates: wkhtmltopdf through pdfkit (the
project's default) and WeasyPrint (where wkhtmltopdf is not installed). Neither may read a local file, fetch a
URL or run script, and every render runs in a child process that is killed when it overruns its time."""
from .base import EngineMissing, PageFooter, RenderFailed, RenderTimeout
from .engines import ENGINES, available_engines, choose_engine, render_pdf, start

__all__ = ["ENGINES", "EngineMissing", "PageFooter", "RenderFailed", "RenderTimeout", "available_engines",
           "choose_engine", "render_pdf", "start"]
