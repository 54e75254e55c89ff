"""Build hook: a wheel carries the offline map assets, fetched from the npm registry when it is built.

Everything else about the package is in setup.cfg. The top-level ``layers/`` folder becomes
``geo/layers/data`` (setup.cfg ``package_dir``); the assets are fetched by ``scripts/fetch_assets.py``
into ``geo/maps/static`` of the build (never into the source tree, never committed). An existing
cache named by ``$INCMAP_ASSETS_SEED`` is copied first, so a build needs no network for files it holds.
"""

import os
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithAssets(build_py):
    """build_py, then the offline assets into the built package (editable installs use the venv's cache)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        command = [sys.executable, str(ROOT / "scripts" / "fetch_assets.py"), "--quiet", "--dest", str(Path(self.build_lib) / "geo" / "maps" / "static")]
        if os.environ.get("INCMAP_ASSETS_SEED"):
            command += ["--seed", os.environ["INCMAP_ASSETS_SEED"]]
        subprocess.run(command, check=True)


setup(cmdclass={"build_py": BuildPyWithAssets})
