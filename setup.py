"""Build hook: a wheel carries the shipped YAML (configs/) as `callqa/configs/`, so an installed callqa finds its
defaults, phrase books and scorecards without a source checkout (callqa/resources.py). Metadata: pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithConfigs(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads configs/ of the checkout
        src = Path(__file__).resolve().parent / "configs"
        dst = Path(self.build_lib) / "callqa" / "configs"
        if dst.exists():
            shutil.rmtree(dst)
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))


setup(cmdclass={"build_py": BuildWithConfigs})
