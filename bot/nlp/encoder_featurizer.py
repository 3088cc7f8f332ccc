"""What the project's pretrained-encoder featurizers share: Rasa's component plumbing.

``MiniLMFeaturizer`` and ``E5Featurizer`` differ in the encoder they load and in the
features they add; the graph-component protocol around them (tokenizer first, built
from its config, training data featurised like any message) is written once here.
Each subclass is registered with Rasa's recipe itself and gives ``open_encoder``.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class EncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """A dense featurizer that runs one pretrained encoder, loaded once per process."""

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.encoder = self.open_encoder(self._config)

    def open_encoder(self, config: dict[str, Any]) -> Any:
        """The encoder named by the component's config (cached by the loader)."""
        raise NotImplementedError

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def process(self, messages: list[Message]) -> list[Message]:
        raise NotImplementedError

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
