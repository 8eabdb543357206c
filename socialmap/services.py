"""The 11 services of the social map checklist (seed Bijlage 14; keys of ARCHITECTURE §8).

Each service has a stable key (the API value), an English msgid (gettext domain `socialmap`) and the label as
printed in the seed, which the importer uses to find the checklist rows. The Dutch translation in
`translations/nl/LC_MESSAGES/socialmap.po` keeps the seed's wording.
"""
from __future__ import annotations

from dataclasses import dataclass

from .labels import N_


@dataclass(frozen=True)
class Service:
    key: str
    msgid: str
    seed_label: str


SERVICES: tuple[Service, ...] = (
    Service("airport_pickup", N_("Airport pick-up"), "Ophalen van het vliegveld"),
    Service("customs_police_immigration_help",
            N_("Help passing customs / dealing with the police or immigration service"),
            "Hulp bij passeren douane/ in gesprek gaan met politie of immigratiedienst"),
    Service("shelter", N_("Shelter"), "Opvang"),
    Service("psychological_help", N_("Psychological help"), "Psychologische hulp"),
    Service("medical_help", N_("Medical help"), "Medische hulp"),
    Service("legal_help", N_("Legal help"), "Juridische hulp"),
    Service("skills_training_education", N_("Skills training / education"), "Aanleren van vaardigheden/opleiding"),
    Service("job_search_income_help", N_("Help finding a job / securing an income"),
            "Hulp bij het zoeken naar een baan/ verzekeren van een inkomen"),
    Service("financial_help", N_("Financial help"), "Financiële hulp"),
    Service("child_parenting_help", N_("Help for children / parenting support"),
            "Hulp voor kinderen/ opvoedkundige hulp"),
    Service("family_reunification", N_("Family reunification"), "Vereniging met familie"),
)

SERVICE_KEYS: tuple[str, ...] = tuple(s.key for s in SERVICES)
SERVICE_BY_KEY: dict[str, Service] = {s.key: s for s in SERVICES}
