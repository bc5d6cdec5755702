"""Ships the top-level assets/ folder inside the package as player/_assets.

Every folder under assets/ whose name is a valid package name is declared as a
package too: setuptools otherwise warns, once per folder, that a data folder looks
importable but is not listed.
"""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent


def asset_packages() -> list[str]:
    names = ["player._assets"]
    for folder in sorted(p for p in (HERE / "assets").rglob("*") if p.is_dir()):
        parts = folder.relative_to(HERE / "assets").parts
        if all(part.isidentifier() for part in parts):
            names.append(".".join(("player._assets", *parts)))
    return names


setup(
    packages=[*find_packages(include=["player", "player.*"]), *asset_packages()],
    package_dir={"player._assets": "assets"},
)
