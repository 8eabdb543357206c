"""Browse and search the social map: by country, by service, by free text. Pure Python (no Flask).

Usage by the web layer::

    social_map = SocialMap(effective.organisations)  # shipped data + coordinators' edits (see edits.py)
    items = [public_view(o, lang) for o in social_map.search(country=..., service=..., q=...)]

`search` (through `check_query`) raises `InvalidQuery`, a 400 `BadRequest` from app.domain.errors whose details
name the allowed values, so a typo in a filter never looks like "no organisations".
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from app.domain.errors import BadRequest

from .countries import UI_LANGUAGES, country_name, fold
from .labels import N_, translate
from .services import SERVICE_BY_KEY, SERVICE_KEYS

DATA_PATH = Path(__file__).resolve().parent / "data" / "organisations.json"
MAX_QUERY_LENGTH = 200


class InvalidQuery(BadRequest):
    """A query parameter with a value the social map does not know; `details` lists the allowed values."""


def load_organisations(path: Path = DATA_PATH) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["organisations"]


def _searchable_text(org: dict) -> str:
    """Everything free text may match, folded: names, places, services and notes, country names in nl/en/bg."""
    contact = org["contact"]
    parts = [org["name"], org["country_as_printed"] or "", org["description"] or "", org["other_services"] or ""]
    parts += contact["address"] + list(org["service_notes"].values()) + org["countries_served_as_printed"]
    parts += [p["name"] or "" for p in contact["persons"]] + [d for p in contact["persons"] for d in p["details"]]
    for lang in UI_LANGUAGES:
        parts += [translate(SERVICE_BY_KEY[key].msgid, lang) for key in org["services"]]
        parts += [country_name(code, lang) for code in [org["country"]] + org["countries_served"] if code]
    return fold(" \n ".join(parts))


class SocialMap:
    def __init__(self, organisations: Iterable[dict]):
        self._organisations = list(organisations)
        self._by_id = {org["id"]: org for org in self._organisations}
        self._text = {org["id"]: _searchable_text(org) for org in self._organisations}

    @classmethod
    def load(cls, path: Path = DATA_PATH) -> "SocialMap":
        return cls(load_organisations(path))

    def __len__(self) -> int:
        return len(self._organisations)

    def get(self, org_id: str) -> dict | None:
        return self._by_id.get(org_id)

    def countries(self) -> list[str]:
        """Every country an organisation is in or supports return to: the values `country` accepts."""
        codes = {org["country"] for org in self._organisations if org["country"]}
        codes |= {code for org in self._organisations for code in org["countries_served"]}
        return sorted(codes)

    def country_choices(self, lang: str) -> list[dict]:
        """[{code, name}] of `countries()`, named and sorted in the UI language (for the country picker)."""
        named = [{"code": code, "name": country_name(code, lang)} for code in self.countries()]
        return sorted(named, key=lambda c: fold(c["name"]))

    def check_query(self, country: str | None, service: str | None, q: str | None
                    ) -> tuple[str | None, str | None, str | None]:
        """The query's filters, normalised (country code upper case, text stripped); empty values mean "any".
        Raises InvalidQuery for an unknown country or service or an over-long text."""
        country = (country or "").strip().upper() or None
        service = (service or "").strip() or None
        q = (q or "").strip() or None
        if country is not None and country not in self.countries():
            raise InvalidQuery(N_("Unknown country."), field="country", value=country, allowed=self.countries())
        if service is not None and service not in SERVICE_KEYS:
            raise InvalidQuery(N_("Unknown service."), field="service", value=service, allowed=list(SERVICE_KEYS))
        if q is not None and len(q) > MAX_QUERY_LENGTH:
            raise InvalidQuery(N_("The search text is too long."), field="q", max_length=MAX_QUERY_LENGTH)
        return country, service, q

    def search(self, country: str | None = None, service: str | None = None, q: str | None = None) -> list[dict]:
        """Organisations matching every filter given, in the seed's order.

        country: an ISO code; matches organisations in that country and those supporting return to it.
        service: a service key; matches organisations that offer it (a tick in the seed's checklist).
        q: free text; every word must occur, ignoring case and accents, in the name, place, services, notes,
           description or country names (nl, en, bg) of the organisation.
        """
        country, service, q = self.check_query(country, service, q)
        words = fold(q).split() if q else []
        return [org for org in self._organisations
                if (country is None or org["country"] == country or country in org["countries_served"])
                and (service is None or service in org["services"])
                and all(word in self._text[org["id"]] for word in words)]


def public_view(org: dict, lang: str | None = None) -> dict:
    """An organisation as the API returns it (ARCHITECTURE §8), without the import's bookkeeping
    (`as_printed`, `source_lines`). With `lang`, the country is also named in that language."""
    view = {key: org[key] for key in ("id", "appendix", "name", "country", "country_as_printed", "description",
                                      "services", "service_notes", "other_services", "contact",
                                      "countries_served", "flags")}
    if lang:
        view["country_name"] = country_name(org["country"], lang) if org["country"] else None
    return view
