"""The README is the contract with newcomers: it must name the real demo identities."""

from __future__ import annotations

from bot.seed import DEMO_IDENTITIES
from bot.settings import ROOT


def test_readme_lists_every_demo_identity() -> None:
    readme = (ROOT / "README.md").read_text()
    for who in DEMO_IDENTITIES:
        assert who["account_number"] in readme
        assert who["phone"] in readme


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    head = readme[: readme.index("## Demo identities")]
    assert "make run" in head and "make test" in head
