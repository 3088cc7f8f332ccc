"""Make the widget's third-party browser code available under ``static/vendor/``.

The page loads no CDN: ``socket.io-client`` comes from the npm registry, pinned by the
committed ``package-lock.json``, and its browser bundle is copied next to the widget.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

WEBCHAT_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEBCHAT_DIR / "static"
VENDOR_DIR = STATIC_DIR / "vendor"


class AssetsError(RuntimeError):
    """The widget's assets could not be installed; the message says what to do."""


@dataclass(frozen=True)
class VendorFile:
    source: str  # relative to the package folder's node_modules
    target: str  # relative to static/vendor

    def installed(self, vendor_dir: Path) -> bool:
        path = vendor_dir / self.target
        return path.is_file() and path.stat().st_size > 0


VENDOR_FILES: tuple[VendorFile, ...] = (
    VendorFile("socket.io-client/dist/socket.io.min.js", "socket.io.min.js"),
)


def missing_assets(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """The vendor files that are not there yet."""
    return [item.target for item in VENDOR_FILES if not item.installed(vendor_dir)]


def _npm_ci(package_dir: Path, npm: str) -> None:
    command: Sequence[str] = (npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
    try:
        completed = subprocess.run(  # noqa: S603 - fixed argv, no shell
            command, cwd=package_dir, capture_output=True, text=True, timeout=600, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise AssetsError(f"`npm ci` in {package_dir} did not finish in 10 minutes") from exc
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip()[-2000:]
        raise AssetsError(f"`npm ci` failed in {package_dir}:\n{detail}")


def ensure_assets(
    package_dir: Path = WEBCHAT_DIR,
    vendor_dir: Path = VENDOR_DIR,
    npm: str | None = None,
) -> None:
    """Install the widget's vendor files from the npm registry unless already present."""
    if not missing_assets(vendor_dir):
        return
    node_modules = package_dir / "node_modules"
    if not all((node_modules / item.source).is_file() for item in VENDOR_FILES):
        npm_path = npm or shutil.which("npm")
        if not npm_path:
            raise AssetsError(
                "npm was not found on PATH: install Node.js and npm (Debian: "
                "`apt-get install -y nodejs npm`), then run `python -m bot web-assets` again"
            )
        _npm_ci(package_dir, npm_path)
    vendor_dir.mkdir(parents=True, exist_ok=True)
    for item in VENDOR_FILES:
        source = node_modules / item.source
        if not source.is_file():
            raise AssetsError(f"npm installed no {item.source} in {node_modules}")
        target = vendor_dir / item.target
        partial = target.with_suffix(target.suffix + ".partial")
        shutil.copyfile(source, partial)
        partial.replace(target)
