"""How cases and records look at rest: the ids a store indexes by in the clear, case text encrypted.

A record's whole history (every revision and conflict: data, statuses, authors, and the revision ids, which
are derived from a hash of the content and would let a guess be confirmed) is one ciphertext; only its id,
case id and organisation stay readable. A case keeps its client code and country of origin encrypted. Each
ciphertext is bound to the id of its record or case, so it cannot be moved to another one.
"""
from __future__ import annotations

from ..domain.model import Case, RecordState, Revision
from .crypto import DataCipher

_CASE_SECRETS = ("client_code", "country_of_origin")


class EncryptedCodec:
    def __init__(self, cipher: DataCipher):
        self._cipher = cipher

    def case_to_doc(self, case: Case) -> dict:
        doc = case.to_dict()
        secrets = {name: doc.pop(name) for name in _CASE_SECRETS}
        doc["sealed"] = self._cipher.encrypt(secrets, f"case/{case.id}")
        return doc

    def doc_to_case(self, doc: dict) -> Case:
        doc = dict(doc)
        secrets = self._cipher.decrypt(doc.pop("sealed"), f"case/{doc['id']}")
        return Case(**doc, **secrets)

    def record_to_doc(self, state: RecordState) -> dict:
        history = {"revisions": [r.to_dict() for r in state.revisions],
                   "conflicts": [r.to_dict() for r in state.conflicts]}
        return {"id": state.id, "case_id": state.case_id, "org_id": state.org_id,
                "sealed": self._cipher.encrypt(history, f"record/{state.id}")}

    def doc_to_sealed(self, collection: str, doc: dict) -> dict:
        """A small document (a handover, a subscription …) sealed whole: consent purposes are free text and push
        endpoints identify devices."""
        return {"sealed": self._cipher.encrypt(doc, f"doc/{collection}/{doc['id']}")}

    def sealed_to_doc(self, collection: str, doc_id: str, stored: dict) -> dict:
        return self._cipher.decrypt(stored["sealed"], f"doc/{collection}/{doc_id}")

    def doc_to_record(self, doc: dict) -> RecordState:
        history = self._cipher.decrypt(doc["sealed"], f"record/{doc['id']}")
        return RecordState(id=doc["id"], case_id=doc["case_id"], org_id=doc["org_id"],
                           revisions=[Revision.from_dict(r) for r in history["revisions"]],
                           conflicts=[Revision.from_dict(r) for r in history["conflicts"]])
