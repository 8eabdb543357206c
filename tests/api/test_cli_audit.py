"""Organisations and users made on the command line are in the audit trail like those made in the app, each
event written in the step of its change (no user of the app made them: the event has no actor)."""
from __future__ import annotations

from app import create_app
from tests.conftest import PASSWORD


def test_organisations_and_users_made_on_the_command_line_are_audited(tmp_path):
    app = create_app({"TESTING": True, "DATA_DIR": tmp_path / "instance"})
    cli = app.test_cli_runner()
    assert cli.invoke(args=["first-run"]).exit_code == 0
    assert cli.invoke(args=["create-org", "shelter-b", "--name", "Shelter B", "--country", "nl",
                            "--kind", "counselling"]).exit_code == 0
    result = cli.invoke(args=["create-user", "bo@shelter-b.nl", "--org", "shelter-b", "--role", "coordinator"],
                        input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    refused = cli.invoke(args=["create-org", "shelter-b", "--name", "Again", "--country", "NL", "--kind", "partner"])
    assert refused.exit_code != 0  # refused: no event
    c = app.extensions["safefuture"]
    bo = c.store.find_user_by_email("bo@shelter-b.nl")
    demo = c.store.find_user_by_email("coordinator@example.org")
    assert [(e.action, e.actor_id, e.details) for e in c.store.audit_events()] == [
        ("org_created", None, {"target_org": "demo", "kind": "counselling", "country": "NL", "via": "cli"}),
        ("user_created", None, {"user_id": demo.id, "role": "coordinator", "target_org": "demo", "via": "cli"}),
        ("org_created", None, {"target_org": "shelter-b", "kind": "counselling", "country": "NL", "via": "cli"}),
        ("user_created", None, {"user_id": bo.id, "role": "coordinator", "target_org": "shelter-b", "via": "cli"}),
    ]
    assert cli.invoke(args=["verify-audit"]).exit_code == 0
