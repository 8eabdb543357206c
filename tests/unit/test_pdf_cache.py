"""The cache of rendered parts: keyed by engine and HTML, bounded in bytes, least recently used out first."""
from __future__ import annotations

from app.pdf.cache import PdfCache, part_key


def test_the_key_changes_with_the_engine_and_with_any_change_of_the_html():
    assert part_key("weasyprint", "<p>a</p>") == part_key("weasyprint", "<p>a</p>")
    assert part_key("weasyprint", "<p>a</p>") != part_key("wkhtmltopdf", "<p>a</p>")
    assert part_key("weasyprint", "<p>a</p>") != part_key("weasyprint", "<p>b</p>")


def test_the_cache_keeps_at_most_its_size_and_forgets_the_least_recently_used():
    cache = PdfCache(max_bytes=10)
    cache.put("a", b"1234")
    cache.put("b", b"5678")
    assert cache.get("a") == b"1234"  # now b is the least recently used
    cache.put("c", b"90ab")
    assert cache.get("b") is None and cache.get("a") == b"1234" and cache.get("c") == b"90ab"
    assert cache.size == 8 and len(cache) == 2
    cache.put("huge", b"x" * 11)  # larger than the whole cache: not kept, nothing dropped for it
    assert cache.get("huge") is None and len(cache) == 2
    cache.clear()
    assert cache.size == 0 and cache.get("a") is None
