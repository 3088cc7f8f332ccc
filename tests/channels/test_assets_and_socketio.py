from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from channels.webchat import assets
from channels.webchat.rasa_socketio import accepted_session_id


def fake_package(tmp_path: Path, with_node_modules: bool) -> Path:
    package = tmp_path / "webchat"
    package.mkdir()
    if with_node_modules:
        dist = package / "node_modules" / "socket.io-client" / "dist"
        dist.mkdir(parents=True)
        (dist / "socket.io.min.js").write_text("/* socket.io */")
    return package


def test_copies_the_bundle_from_node_modules(tmp_path: Path) -> None:
    package = fake_package(tmp_path, with_node_modules=True)
    vendor = tmp_path / "vendor"
    assert assets.missing_assets(vendor) == ["socket.io.min.js"]
    assets.ensure_assets(package, vendor, npm="/nonexistent/npm")
    assert (vendor / "socket.io.min.js").read_text() == "/* socket.io */"
    assert assets.missing_assets(vendor) == []


def test_does_nothing_when_present(tmp_path: Path) -> None:
    package = fake_package(tmp_path, with_node_modules=False)
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    (vendor / "socket.io.min.js").write_text("already here")
    assets.ensure_assets(package, vendor, npm="/nonexistent/npm")  # would fail if it ran npm
    assert (vendor / "socket.io.min.js").read_text() == "already here"


def test_missing_npm_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = fake_package(tmp_path, with_node_modules=False)
    monkeypatch.setattr(assets.shutil, "which", lambda name: None)
    with pytest.raises(assets.AssetsError, match="npm was not found"):
        assets.ensure_assets(package, tmp_path / "vendor")
    assert not (tmp_path / "vendor").exists()


def test_failing_npm_reports_its_output(tmp_path: Path) -> None:
    package = fake_package(tmp_path, with_node_modules=False)
    npm = tmp_path / "npm"
    npm.write_text("#!/bin/sh\necho 'registry unreachable' >&2\nexit 1\n")
    npm.chmod(0o755)
    with pytest.raises(assets.AssetsError, match="registry unreachable"):
        assets.ensure_assets(package, tmp_path / "vendor", npm=str(npm))


def test_committed_lock_pins_socket_io_client() -> None:
    lock = (assets.WEBCHAT_DIR / "package-lock.json").read_text()
    assert '"node_modules/socket.io-client"' in lock


def test_a_well_formed_session_id_is_resumed() -> None:
    known = uuid.uuid4().hex
    assert accepted_session_id({"session_id": known}) == known


@pytest.mark.parametrize(
    "data", [None, {}, {"session_id": None}, {"session_id": "1"}, {"session_id": "x" * 32}, "s"]
)
def test_other_session_ids_get_a_fresh_one(data: object) -> None:
    fresh = accepted_session_id(data)
    assert len(fresh) == 32
    assert fresh != (data.get("session_id") if isinstance(data, dict) else data)
