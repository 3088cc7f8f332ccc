from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.intent_classifier import FILE, NgramSentenceClassifier
from bot.nlp.minilm_featurizer import DEFAULT_MODEL, MiniLMFeaturizer

ROOT = Path(__file__).resolve().parents[3]

EXAMPLES = {
    "check_bill": [
        "how much is my bill", "what do I owe", "show me my latest invoice",
        "whats my balance", "when is my bill due", "bill amount please",
    ],
    "report_problem": [
        "my internet is down", "the wifi keeps dropping", "no signal on my phone",
        "tv has no picture", "landline is dead", "internet is really slow",
    ],
    "greet": ["hi", "hello there", "good morning", "hey", "hiya", "evening"],
}


def _messages(texts: list[str]) -> list[Message]:
    messages = [Message(data={TEXT: t}) for t in texts]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    featurizer = MiniLMFeaturizer(
        {**MiniLMFeaturizer.get_default_config(), "model": str(ROOT / DEFAULT_MODEL)}, "minilm"
    )
    return featurizer.process(messages)


def _context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name="intent_classifier")


@pytest.fixture()
def trained(tmp_path: Path) -> tuple[NgramSentenceClassifier, LocalModelStorage, Resource]:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intent_classifier")
    examples = []
    for intent, texts in EXAMPLES.items():
        for message in _messages(texts):
            message.set(INTENT, intent)
            examples.append(message)
    classifier = NgramSentenceClassifier.create({}, storage, resource, _context())
    classifier.train(TrainingData(training_examples=examples))
    return classifier, storage, resource


def _predict(classifier: NgramSentenceClassifier, text: str) -> tuple[str, float, list]:
    [message] = classifier.process(_messages([text]))
    intent = message.get(INTENT)
    return intent["name"], intent["confidence"], message.get("intent_ranking")


def test_unseen_phrasings_get_the_right_intent(trained) -> None:
    classifier, _, _ = trained
    assert _predict(classifier, "how much do i have to pay this month")[0] == "check_bill"
    assert _predict(classifier, "the internet stopped working")[0] == "report_problem"
    assert _predict(classifier, "hello!")[0] == "greet"


def test_ranking_is_sorted_and_sums_to_one(trained) -> None:
    classifier, _, _ = trained
    name, confidence, ranking = _predict(classifier, "my bill")
    assert ranking[0] == {"name": name, "confidence": confidence}
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert abs(sum(confidences) - 1.0) < 1e-6
    assert {r["name"] for r in ranking} == set(EXAMPLES)


def test_a_persisted_model_loads_and_predicts_the_same(trained) -> None:
    classifier, storage, resource = trained
    loaded = NgramSentenceClassifier.load({}, storage, resource, _context())
    for text in ["what do i owe", "wifi dead again", "hey there"]:
        assert _predict(loaded, text)[:2] == pytest.approx(_predict(classifier, text)[:2])


def test_a_model_file_with_unexpected_types_is_refused(trained) -> None:
    import skops.io as sio

    _, storage, resource = trained
    with storage.write_to(resource) as folder:
        sio.dump({"clf": Path("/etc/passwd")}, folder / FILE)  # a type outside the allow-list
    with pytest.raises(RasaException, match="unexpected types"):
        NgramSentenceClassifier.load({}, storage, resource, _context())


def test_without_a_persisted_model_it_does_not_guess(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    loaded = NgramSentenceClassifier.load({}, storage, Resource("never_trained"), _context())
    [message] = loaded.process(_messages(["my bill"]))
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}
    assert message.get("intent_ranking") == []


def test_an_untrained_classifier_hands_the_fallback_classifier_a_fallback(tmp_path: Path) -> None:
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier

    storage = LocalModelStorage(tmp_path)
    loaded = NgramSentenceClassifier.load({}, storage, Resource("never_trained"), _context())
    messages = loaded.process(_messages(["my bill"]))
    fallback = FallbackClassifier(FallbackClassifier.get_default_config())
    [message] = fallback.process(messages)
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_the_sentence_vectors_reach_the_model(trained) -> None:
    # With the MiniLM features missing, the last 384 weights would stay exactly zero.
    classifier, _, _ = trained
    assert classifier.model is not None
    weights = classifier.model["clf"].coef_
    assert abs(weights[:, -384:]).max() > 0.1


def test_training_without_the_sentence_features_is_a_configuration_error(tmp_path: Path) -> None:
    from rasa.shared.exceptions import InvalidConfigException

    messages = [Message(data={TEXT: t, INTENT: "greet"}) for t in ["hi", "hello"]]
    classifier = NgramSentenceClassifier.create(
        {}, LocalModelStorage(tmp_path), Resource("c"), _context()
    )
    with pytest.raises(InvalidConfigException, match="MiniLMFeaturizer"):
        classifier.train(TrainingData(training_examples=messages))


def _with_e5(messages: list[Message]) -> list[Message]:
    from bot.nlp.e5_encoder import DEFAULT_PACKAGE
    from bot.nlp.e5_featurizer import E5Featurizer

    config = {**E5Featurizer.get_default_config(), "package": str(ROOT / DEFAULT_PACKAGE)}
    return E5Featurizer(config, "e5").process(messages)


def test_two_sentence_origins_sit_side_by_side_and_both_reach_the_model(tmp_path: Path) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("two_origins")
    config = {"sentence_features": ["minilm", "e5"]}
    examples = []
    for intent, texts in EXAMPLES.items():
        for message in _with_e5(_messages(texts)):
            message.set(INTENT, intent)
            examples.append(message)
    classifier = NgramSentenceClassifier.create(config, storage, resource, _context())
    classifier.train(TrainingData(training_examples=examples))
    assert classifier.model is not None
    assert classifier.model["sentence_dims"] == [384, 384]
    weights = classifier.model["clf"].coef_
    assert abs(weights[:, -768:-384]).max() > 0.1  # MiniLM's block
    assert abs(weights[:, -384:]).max() > 0.1  # e5's block
    loaded = NgramSentenceClassifier.load(config, storage, resource, _context())
    for text in ["how much do i have to pay this month", "the internet stopped working"]:
        [fresh] = loaded.process(_with_e5(_messages([text])))
        [trained_on] = classifier.process(_with_e5(_messages([text])))
        assert fresh.get(INTENT)["name"] == trained_on.get(INTENT)["name"]
        assert fresh.get(INTENT)["confidence"] == pytest.approx(
            trained_on.get(INTENT)["confidence"]
        )
    # An empty message has no features from either featurizer: zeros, not an error.
    [empty] = loaded.process(_with_e5(_messages([""])))
    assert empty.get(INTENT)["name"] in EXAMPLES


def test_a_missing_second_origin_is_a_configuration_error_naming_it(tmp_path: Path) -> None:
    from rasa.shared.exceptions import InvalidConfigException

    examples = _messages(["hi", "hello"])  # MiniLM features only
    for message in examples:
        message.set(INTENT, "greet")
    config = {"sentence_features": ["minilm", "e5"]}
    storage = LocalModelStorage(tmp_path)
    classifier = NgramSentenceClassifier.create(config, storage, Resource("c"), _context())
    with pytest.raises(InvalidConfigException, match="'e5'"):
        classifier.train(TrainingData(training_examples=examples))
