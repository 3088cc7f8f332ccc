"""Part of config.yml's NLU pipeline, for benchmarks that train one component's share.

``bench/diet_entities.py`` and ``bench/response_selectors.py`` each train only what
their component reads, so a measurement takes minutes instead of a full training.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def reduced_pipeline(
    config: dict[str, Any], skipped: tuple[str, ...], measured: str, epochs: int | None
) -> dict[str, Any]:
    """The NLU config without the ``skipped`` components (matched by the end of their
    name); the spaCy model path made absolute; every ``measured`` component's epochs
    set when ``epochs`` is given."""
    pipeline = []
    for component in config["pipeline"]:
        name = str(component["name"])
        if any(name.endswith(skip) for skip in skipped):
            continue
        component = dict(component)
        if name == "SpacyNLP":
            component["model"] = str(ROOT / component["model"])
        if name == measured and epochs is not None:
            component["epochs"] = epochs
        pipeline.append(component)
    if not any(c["name"] == measured for c in pipeline):
        raise SystemExit(f"config.yml has no {measured}")
    return {"language": config.get("language", "en"), "pipeline": pipeline}


def bench_args(description: str, epochs_help: str) -> argparse.Namespace:
    """The options both component benches take: the config and data to train on, the
    measured component's epochs, and the seed of the 80/20 split."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "nlu")
    parser.add_argument("--epochs", type=int, help=epochs_help)
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args()


@contextmanager
def trained_part(
    reduced: dict[str, Any], train: Any, responses: dict[str, Any] | None = None
) -> Iterator[tuple[Any, float, float]]:
    """Train ``reduced`` (an NLU config) on ``train`` (Rasa ``TrainingData``) in a
    temporary folder; yield the loaded agent with the training's wall and CPU seconds.
    ``responses`` (the retrieval answers) go into the domain the training reads."""
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "nlu.yml").write_text(train.nlu_as_yaml(), encoding="utf-8")
        (work / "config.yml").write_text(yaml.safe_dump(reduced), encoding="utf-8")
        domain = None
        if responses is not None:
            domain = str(work / "domain.yml")
            (work / "domain.yml").write_text(
                yaml.safe_dump({"version": "3.1", "responses": responses}), encoding="utf-8"
            )
        started, cpu = time.perf_counter(), time.process_time()
        model = train_nlu(
            str(work / "config.yml"), str(work / "nlu.yml"), str(work / "models"), domain=domain
        )
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        if not model:
            raise SystemExit("training failed")
        yield Agent.load(model), wall, cpu
