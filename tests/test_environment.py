"""The install files agree: pyproject pins, environment.yml and the lock files."""

from __future__ import annotations

import tomllib

import yaml


def _pins(lines):
    return {
        line.split("==")[0].lower().replace("_", "-"): line.split("==")[1] for line in lines if "==" in line and not line.startswith("#")
    }


def test_environment_yml_lists_exactly_the_pyproject_pins(paths):
    project = tomllib.loads((paths.root / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    environment = yaml.safe_load((paths.root / "environment.yml").read_text())
    pip_section = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    listed = [line for line in pip_section if not line.startswith("-e")]
    assert sorted(listed) == sorted(declared)


def test_every_direct_dependency_is_pinned_exactly(paths):
    project = tomllib.loads((paths.root / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"] + project["optional-dependencies"]["test"]:
        assert "==" in requirement, f"{requirement} is not pinned"


def test_lock_files_agree_with_the_pins(paths):
    project = tomllib.loads((paths.root / "pyproject.toml").read_text())["project"]
    runtime = _pins((paths.root / "requirements.lock").read_text().splitlines())
    test = _pins((paths.root / "requirements-test.lock").read_text().splitlines())
    for requirement, lock in [(r, runtime) for r in project["dependencies"]] + [
        (r, test) for r in project["optional-dependencies"]["test"]
    ]:
        name, version = requirement.split("==")
        assert lock.get(name.lower().replace("_", "-")) == version, (
            f"{name} is {lock.get(name.lower())} in the lock, {version} in pyproject.toml"
        )
    assert not set(runtime) & set(test), "a package is pinned in both lock files"


def _distribution(name: str) -> str:
    return name.lower().replace("_", "-")


def third_party_imports(package_dir) -> set[str]:
    """The top-level modules, outside the standard library and the package, that it imports."""
    import ast
    import sys

    found = set()
    for path in sorted(package_dir.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name != "briefing"}


def test_every_imported_library_is_a_declared_dependency(paths):
    """Each third-party module the package imports comes from a distribution pinned in
    pyproject.toml (and so in environment.yml and the lock, by the tests above)."""
    from importlib.metadata import packages_distributions

    project = tomllib.loads((paths.root / "pyproject.toml").read_text())["project"]
    declared = {_distribution(requirement.split("==")[0]) for requirement in project["dependencies"]}
    providers = packages_distributions()
    imported = third_party_imports(paths.root / "src" / "briefing")
    assert {"babel", "markupsafe", "jupyter_client", "jupyter_core"} <= imported
    undeclared = {
        module: providers.get(module) for module in sorted(imported) if not {_distribution(d) for d in providers.get(module, [])} & declared
    }
    assert not undeclared, f"imported but not declared in pyproject.toml dependencies: {undeclared}"


def test_the_package_version_is_semantic_and_in_the_changelog(paths):
    import re

    version = tomllib.loads((paths.root / "pyproject.toml").read_text())["project"]["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert f"## [{version}]" in (paths.root / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_package_says_its_own_version(paths):
    import briefing

    assert briefing.__version__ == tomllib.loads((paths.root / "pyproject.toml").read_text())["project"]["version"]
