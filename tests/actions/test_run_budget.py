"""Every backend call of one action run shares one time budget (issue 6 follow-up).

``CustomerAction.run`` (every submit and ask action of a task), ``ActionStoreRating`` and
``ActionCheckOutage`` open :meth:`BackendClient.run_budget` around their work, as the
task forms' validation already did. The real client runs over the backend double on an
injected clock: each request carries the read timeout it was sent with, and the double
records which run budget was in effect when the request arrived.
"""

from __future__ import annotations

from typing import Optional

import httpx
from rasa_sdk.executor import CollectingDispatcher

from actions.base import CustomerAction
from actions.billing import ActionExplainBill
from actions.budget import MIN_ATTEMPT_SECONDS, TimeBudget, current_budget
from actions.dialogue import ActionStoreRating
from actions.faults import ActionCheckOutage
from actions.settings import ActionSettings
from tests.actions.backend_double import BackendDouble, Clock, client_for
from tests.actions.factories import load_domain, make_tracker, responses

BUDGET = ActionSettings().backend_turn_budget_seconds


class BudgetWatchingBackend(BackendDouble):
    """The double, plus the outage and feedback routes, noting each request's run budget."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(verified=True, clock=clock)
        self.budgets: list[Optional[TimeBudget]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.budgets.append(current_budget())
        return super().__call__(request)

    def _route(self, method: str, path: str, request: httpx.Request) -> httpx.Response:
        if method == "GET" and path == "/outages":
            return httpx.Response(200, json={"outages": []})
        if method == "POST" and path == "/me/feedback" and self._authorised(request):
            return httpx.Response(201, json={})
        return super()._route(method, path, request)


def read_timeouts(backend: BackendDouble) -> list[float]:
    return [float(r.extensions["timeout"]["read"]) for r in backend.requests]


def one_run_budget(backend: BudgetWatchingBackend) -> None:
    """Every request of the run saw the same run budget, and it ended with the run."""
    assert backend.budgets, "the run sent no request"
    assert backend.budgets[0] is not None, "no run budget was in effect"
    assert all(b is backend.budgets[0] for b in backend.budgets)
    assert current_budget() is None


async def test_a_customer_action_run_spends_one_budget_on_the_session_and_its_own_calls() -> None:
    """Slow backend (1 s a request): session, bill and comparison share the 2.5 s."""
    clock = Clock()
    backend = BudgetWatchingBackend(clock)
    backend.seconds_per_request = 1.0
    action = ActionExplainBill(client=client_for(backend, clock=clock))
    assert isinstance(action, CustomerAction)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text="explain my bill", intent="explain_bill")
    await action.run(dispatcher, tracker, load_domain())
    paths = [r.url.path for r in backend.requests]
    assert paths == [
        "/api/v1/identity/sessions/rest/conv-1",
        "/api/v1/me/bills/current",
        "/api/v1/me/bills/b-7/comparison",
    ]
    # Each request may wait only for what is left of the one budget (a budget per call
    # would send all three with the full timeout).
    assert read_timeouts(backend) == [BUDGET, BUDGET - 1.0, BUDGET - 2.0]
    one_run_budget(backend)
    assert responses(dispatcher) == ["utter_first_bill_lines", "utter_ask_rating"]


async def test_a_customer_action_stops_calling_once_the_session_lookup_spent_the_budget() -> None:
    """The session answers just inside the budget: the bill is not asked for, and the
    customer hears "can't reach our systems" instead of waiting another timeout."""
    clock = Clock()
    backend = BudgetWatchingBackend(clock)
    backend.seconds_per_request = BUDGET - MIN_ATTEMPT_SECONDS + 0.05
    action = ActionExplainBill(client=client_for(backend, clock=clock))
    dispatcher = CollectingDispatcher()
    start = clock()
    await action.run(dispatcher, make_tracker(text="explain my bill", intent="explain_bill"),
                     load_domain())
    assert [r.url.path for r in backend.requests] == ["/api/v1/identity/sessions/rest/conv-1"]
    assert clock() - start <= BUDGET
    assert responses(dispatcher) == ["utter_backend_unavailable"]
    assert current_budget() is None


async def test_storing_a_rating_spends_one_budget_on_the_session_and_the_rating() -> None:
    clock = Clock()
    backend = BudgetWatchingBackend(clock)
    backend.seconds_per_request = 1.0
    action = ActionStoreRating(client=client_for(backend, clock=clock))
    dispatcher = CollectingDispatcher()
    asked = {"event": "bot", "text": "x", "metadata": {"utter_action": "utter_ask_rating"}}
    tracker = make_tracker(text="5", intent="rate", slots={"last_task": "check_bill"},
                           earlier_events=[asked])
    await action.run(dispatcher, tracker, load_domain())
    assert [(r.method, r.url.path) for r in backend.requests] == [
        ("GET", "/api/v1/identity/sessions/rest/conv-1"),
        ("POST", "/api/v1/me/feedback"),
    ]
    assert read_timeouts(backend) == [BUDGET, BUDGET - 1.0]
    one_run_budget(backend)
    assert responses(dispatcher) == ["utter_rating_thanks"]


async def test_the_outage_check_runs_inside_a_run_budget() -> None:
    clock = Clock()
    backend = BudgetWatchingBackend(clock)
    action = ActionCheckOutage(client=client_for(backend, clock=clock))
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text="20001", intent="inform", slots={"postcode": "20001"})
    await action.run(dispatcher, tracker, load_domain())
    assert [r.url.path for r in backend.requests] == ["/api/v1/outages"]
    one_run_budget(backend)
    assert responses(dispatcher) == ["utter_no_outage", "utter_ask_rating"]
