"""Ships the top-level assets/ folder inside the package as player/_assets."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["player", "player.*"]), "player._assets"],
    package_dir={"player._assets": "assets"},
)
