"""Part of config.yml's NLU pipeline, for benchmarks that train one component's share.

``bench/diet_entities.py`` and ``bench/response_selectors.py`` each train only what
their component reads, so a measurement takes minutes instead of a full training.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
