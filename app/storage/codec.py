"""How cases and records look at rest: the ids a store indexes by in the clear, case text encrypted.

A record's whole history (every revision and conflict: data, statuses, authors, and the revision ids, which
are derived from a hash of the content and would let a guess be confirmed) is one ciphertext; only its id,
case id and organisation stay readable. A case keeps its client code and country of origin encrypted.

Each ciphertext is bound (AEAD associated data) to everything readable beside it that decides who sees it: a
case to its organisation and id, a record to its organisation, case and id. Someone who can write the store's
files or tables cannot re-label another organisation's case or record as their own: it then fails to decrypt.
Stores written before this binding (bound to the id alone) are sealed again once, when they open
(`reseal_legacy`); only during that pass are the old bindings accepted.
"""
from __future__ import annotations

from ..domain.jsontext import compact
from ..domain.model import Case, RecordState, Revision
from .crypto import DataCipher, DecryptionError

BINDING = 2  # the version of the associated data above; stores note it once every value carries it


def _case_binding(org_id: str, case_id: str) -> str:
    return compact(["case", org_id, case_id])  # JSON: no id can run into the next one


def _record_binding(org_id: str, case_id: str, record_id: str) -> str:
    return compact(["record", org_id, case_id, record_id])


def _history_binding(org_id: str, case_id: str, record_id: str, first_generation: int) -> str:
    return compact(["record-history", org_id, case_id, record_id, first_generation])


_CASE_SECRETS = ("client_code", "country_of_origin")


class EncryptedCodec:
    def __init__(self, cipher: DataCipher):
        self._cipher = cipher

    def _open(self, token: str, bound_to: str, legacy: str | None):
        try:
            return self._cipher.decrypt(token, bound_to)
        except DecryptionError:
            if legacy is None:
                raise
            return self._cipher.decrypt(token, legacy)

    def reseal_case(self, doc: dict) -> dict:
        """A case document of an older store, sealed again with today's binding."""
        return self.case_to_doc(self.doc_to_case(doc, legacy=True))

    def reseal_record(self, doc: dict) -> dict:
        """A record document of an older store, sealed again with today's binding."""
        return self.record_to_doc(self.doc_to_record(doc, legacy=True))

    def case_to_doc(self, case: Case) -> dict:
        doc = case.to_dict()
        secrets = {name: doc.pop(name) for name in _CASE_SECRETS}
        doc["sealed"] = self._cipher.encrypt(secrets, _case_binding(case.org_id, case.id))
        return doc

    def doc_to_case(self, doc: dict, legacy: bool = False) -> Case:
        doc = {k: v for k, v in doc.items() if k != "write"}  # the TinyDB store's write token (tinydb_store.py)
        secrets = self._open(doc.pop("sealed"), _case_binding(doc["org_id"], doc["id"]),
                             f"case/{doc['id']}" if legacy else None)
        return Case(**doc, **secrets)

    def record_to_doc(self, state: RecordState) -> dict:
        history = {"revisions": [r.to_dict() for r in state.revisions],
                   "conflicts": [r.to_dict() for r in state.conflicts]}
        return {"id": state.id, "case_id": state.case_id, "org_id": state.org_id,
                "sealed": self._cipher.encrypt(history, _record_binding(state.org_id, state.case_id, state.id))}

    def doc_to_sealed(self, collection: str, doc: dict) -> dict:
        """A small document (a handover, a subscription …) sealed whole: consent purposes are free text and push
        endpoints identify devices."""
        return {"sealed": self._cipher.encrypt(doc, f"doc/{collection}/{doc['id']}")}

    def sealed_to_doc(self, collection: str, doc_id: str, stored: dict) -> dict:
        return self._cipher.decrypt(stored["sealed"], f"doc/{collection}/{doc_id}")

    def doc_to_record(self, doc: dict, legacy: bool = False) -> RecordState:
        """The record's current state. One written by an earlier version may also hold "past", the packed ids of
        all its earlier revisions: those are in its history too (RecordState.earlier finds them there), so it is
        not read, and it goes at the record's next write."""
        history = self._open(doc["sealed"], _record_binding(doc["org_id"], doc["case_id"], doc["id"]),
                             f"record/{doc['id']}" if legacy else None)
        return RecordState(id=doc["id"], case_id=doc["case_id"], org_id=doc["org_id"],
                           revisions=[Revision.from_dict(r) for r in history["revisions"]],
                           conflicts=[Revision.from_dict(r) for r in history["conflicts"]])

    def seal_revisions(self, state: RecordState, revisions: list[Revision]) -> str:
        """Earlier revisions of a record, moved out of its current state (consecutive, oldest first), sealed and
        bound to the record and to the generation of the first of them."""
        return self._cipher.encrypt([r.to_dict() for r in revisions],
                                    _history_binding(state.org_id, state.case_id, state.id, revisions[0].generation))

    def open_revisions(self, state: RecordState, first_generation: int, sealed: str) -> list[Revision]:
        revisions = self._cipher.decrypt(sealed, _history_binding(state.org_id, state.case_id, state.id,
                                                                  first_generation))
        return [Revision.from_dict(r) for r in revisions]
