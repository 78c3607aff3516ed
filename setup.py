"""Packaging shim: ships the top-level templates/ folder inside the wheel as kpireport/templates.

pyproject.toml holds all metadata; this file only adds the one package that lives outside
the package folder, which setuptools' declarative config cannot combine with discovery.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["kpireport", "kpireport.*"]), "kpireport.templates"],
    package_dir={"kpireport.templates": "templates"},
)
