"""Rasa training-data importer that lets the retrieval intents be declared once.

``faq`` and ``chitchat`` are retrieval intents: their examples live in ``data/nlu`` and
their answers (``utter_faq/<topic>``) in ``domain.yml``. Rasa 3.6's
``ResponsesSyncImporter`` adds every retrieval intent it finds in the NLU data to the
domain, then reports the domain's own ``faq`` and ``chitchat`` as "duplicated intents
... across multiple domain files" (a ``rasa data validate`` warning). Leaving them out
of ``domain.yml`` instead makes the story reader warn that the rules use unknown intents,
because it reads the rules with the domain before that merge.

This importer, registered under ``importers:`` in ``config.yml`` (Rasa's documented
extension point for custom importers), gives each reader what it needs: the domain it
hands on to the merge leaves out the intents the NLU data declares as retrieval intents
(the merge adds them back, with their retrieval properties), and stories, rules and test
stories are read with the domain as written. The trained domain is the same either way.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers import utils
from rasa.shared.importers.rasa import RasaFileImporter


def _intent_name(entry: Any) -> str:
    return str(next(iter(entry))) if isinstance(entry, dict) else str(entry)


class RetrievalIntentsImporter(RasaFileImporter):
    """``RasaFileImporter`` whose domain leaves the retrieval intents to the NLU data."""

    def _domain_as_written(self) -> Domain:
        return super().get_domain()

    def get_domain(self) -> Domain:
        domain = self._domain_as_written()
        retrieval = self.get_nlu_data().retrieval_intents
        if not retrieval:
            return domain
        data = domain.as_dict()
        data["intents"] = [
            entry for entry in data.get("intents", []) if _intent_name(entry) not in retrieval
        ]
        return Domain.from_dict(data)

    def get_stories(self, exclusion_percentage: Optional[int] = None) -> StoryGraph:
        return utils.story_graph_from_paths(
            self._story_files, self._domain_as_written(), exclusion_percentage
        )

    def get_conversation_tests(self) -> StoryGraph:
        return utils.story_graph_from_paths(
            self._conversation_test_files, self._domain_as_written()
        )
