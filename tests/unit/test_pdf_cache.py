"""The cache of rendered parts: keyed by engine and HTML, bounded in bytes, least recently used out first."""
from __future__ import annotations

from app.pdf.base import Part
from app.pdf.cache import PdfCache, part_key


def test_the_key_changes_with_the_engine_and_with_any_change_of_the_html():
    assert part_key("weasyprint", "<p>a</p>") == part_key("weasyprint", "<p>a</p>")
    assert part_key("weasyprint", "<p>a</p>") != part_key("wkhtmltopdf", "<p>a</p>")
    assert part_key("weasyprint", "<p>a</p>") != part_key("weasyprint", "<p>b</p>")


def test_the_cache_keeps_at_most_its_size_and_forgets_the_least_recently_used():
    cache = PdfCache(max_bytes=10)
    a, b, c = Part(b"1234", 1), Part(b"5678", 2), Part(b"90ab", 3)
    cache.put("a", a)
    cache.put("b", b)
    assert cache.get("a") == a  # now b is the least recently used
    cache.put("c", c)
    assert cache.get("b") is None and cache.get("a") == a and cache.get("c") == c
    assert cache.size == 8 and len(cache) == 2
    cache.put("huge", Part(b"x" * 11, 1))  # larger than the whole cache: not kept, nothing dropped for it
    assert cache.get("huge") is None and len(cache) == 2
    cache.clear()
    assert cache.size == 0 and cache.get("a") is None
