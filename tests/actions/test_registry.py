"""The action server can load the package, and every domain action has a class."""

from __future__ import annotations

from rasa_sdk.executor import ActionExecutor

from tests.actions.factories import load_domain


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
