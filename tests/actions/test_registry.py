"""The action server can load the package, and every domain action has a class."""

from __future__ import annotations

from rasa_sdk.executor import ActionExecutor

from tests.actions.factories import ROOT, load_domain


def test_every_custom_action_in_the_domain_is_registered_once() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    custom = {
        name for name in load_domain()["actions"] if name.startswith(("action_", "validate_"))
    }
    assert custom
    assert custom <= set(executor.actions)


def test_every_form_has_a_validation_action() -> None:
    domain = load_domain()
    assert {f"validate_{form}" for form in domain["forms"]} <= set(domain["actions"])


def test_every_message_an_action_sends_exists_in_the_catalogue() -> None:
    """Actions send catalogue messages only; a key missing here would fail at run time."""
    import re

    from actions.messages import CATALOGUE

    used: set[str] = set()
    for source in (ROOT / "actions").rglob("*.py"):
        used |= set(re.findall(r'"(utter_[a-z_]+)"', source.read_text()))
    used |= {f"utter_troubleshoot_{s}" for s in ("internet", "mobile", "tv", "landline")}
    used |= {f"utter_contact_{f}_invalid" for f in ("email", "phone", "address")}
    used.discard("utter_action")  # the bot event's metadata key that say() writes
    assert len(used) > 50
    missing = sorted(key for key in used if key not in CATALOGUE)
    assert not missing, missing


def test_domain_responses_are_only_those_rules_and_stories_use() -> None:
    """What an action sends lives in the catalogue, so no domain response goes unused."""
    import re

    dialogue = "".join(
        path.read_text() for path in [ROOT / "data" / "rules.yml", ROOT / "data" / "stories.yml"]
    )
    used = set(re.findall(r"\b(utter_[a-z_]+)\b", dialogue))
    responses = {key.split("/")[0] for key in load_domain()["responses"]}
    assert responses <= used, sorted(responses - used)


def test_every_form_slot_can_be_asked_for() -> None:
    domain = load_domain()
    names = set(domain["responses"]) | set(domain["actions"])
    for form, spec in domain["forms"].items():
        for slot in [*spec["required_slots"], "identifier", "otp_code"]:
            candidates = {f"action_ask_{form}_{slot}", f"utter_ask_{form}_{slot}",
                          f"action_ask_{slot}", f"utter_ask_{slot}"}
            assert candidates & names, (form, slot)


def test_task_slots_are_domain_slots_that_only_actions_fill() -> None:
    from actions.forms import TASK_SLOTS

    slots = load_domain()["slots"]
    for slot in [*TASK_SLOTS, "identifier", "otp_code", "verification_id", "verified"]:
        assert slots[slot]["mappings"] == [{"type": "custom"}], slot
        assert slots[slot]["influence_conversation"] is False, slot
