"""The Jinja environment of the PDF templates (`app/templates/pdf/`): autoescaped, strict about undefined names.
Separate from Flask's so a PDF can be made outside a request (a CLI, a benchmark) in any language."""
from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .base import TEMPLATES_DIR


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
