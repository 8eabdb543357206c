"""User-visible strings of the social map (gettext domain `socialmap`) and a translator that reads the catalogs.

Msgids are English. `translate` reads `translations/<lang>/LC_MESSAGES/socialmap.po` directly, so the search can
match a service by its name in every UI language at once, whatever language the request is in.
"""
from __future__ import annotations

import functools
from pathlib import Path

from babel.messages.pofile import read_po

DOMAIN = "socialmap"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


def N_(message: str) -> str:
    """Mark a string for `pybabel extract` without translating it here (it is translated where it is shown)."""
    return message


# Titles of the parts of the seed an entry comes from (the record's `appendix`).
APPENDIX_TITLES = {
    "11": N_("Safe Return partner organisations"),
    "12": N_("International Organization for Migration (IOM)"),
    "13": N_("Dutch organisations for return and re-integration"),
    "14": N_("International organisations for return and re-integration"),
    "network": N_("International and European networks"),
    "other-contacts": N_("Other contacts"),
    "added": N_("Added by a coordinator"),
}

# Labels of the record's fields, for the screens that show an organisation.
FIELD_LABELS = {
    "social_map": N_("Social map"),
    "name": N_("Organisation"),
    "country": N_("Country"),
    "all_countries": N_("All countries"),
    "service": N_("Service"),
    "all_services": N_("All services"),
    "search": N_("Search"),
    "no_results": N_("No organisations match these filters."),
    "description": N_("About the organisation"),
    "services": N_("Services offered"),
    "service_note": N_("Note on this service"),
    "other_services": N_("Other services"),
    "contact_person": N_("Contact person"),
    "general_contact": N_("General contact details"),
    "address": N_("Address"),
    "phones": N_("Phone numbers"),
    "emails": N_("E-mail addresses"),
    "websites": N_("Websites"),
    "other": N_("Other contact details"),
    "countries_served": N_("Countries where it supports return"),
    "source": N_("Source: Safe Future methodology (2014), appendix"),
    "history": N_("Changes"),
    "retired": N_("No longer active"),
}

# Review flags the importer sets, as a coordinator sees them.
FLAG_LABELS = {
    "no_service_checklist": N_("The source has no checklist of services for this organisation."),
    "misplaced_values": N_("Some contact details were printed under the wrong heading; please check them."),
    "invalid_email": N_("An e-mail address looks malformed in the source; please check it."),
    "unresolved_country": N_("A country name in the source could not be identified."),
}


@functools.cache
def _catalog(lang: str) -> dict[str, str]:
    path = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    return {message.id: message.string for message in catalog if message.id and message.string}


def translate(msgid: str, lang: str) -> str:
    """The translation of a msgid in a UI language; the msgid itself if it has none."""
    return _catalog(lang).get(msgid, msgid)
