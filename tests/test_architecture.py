"""The architecture rules, checked: import contracts (.importlinter) and who may read the environment."""
from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "index")

# Where reading the environment is allowed. Everything else gets its configuration passed in.
ENV_READERS = {"bot/settings.py"}  # the one place that reads configuration
# Offline switches for the model libraries, set (never read for configuration) before they load.
ENV_DEFAULTS = {
    "bot/cli.py": {"HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TOKENIZERS_PARALLELISM"},
    "index/embedding.py": {"HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"},
}
ENV_NAMES = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}

ADAPTERS = ("bot.slack", "bot.teams")
COMPOSITION_ROOTS = ("bot.server", "bot.cli", "bot.commands", "bot.composition")


def source_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (REPO / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def environment_uses(source: str) -> list[tuple[int, str, str | None]]:
    """(line, what, setdefault key or None) for every use of os.environ / os.getenv and friends."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    os_names = {"os"}
    uses: list[tuple[int, str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            os_names |= {a.asname or a.name for a in node.names if a.name == "os"}
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            for alias in node.names:
                if alias.name in ENV_NAMES:
                    uses.append((node.lineno, f"from os import {alias.name}", None))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr in ENV_NAMES
                and isinstance(node.value, ast.Name) and node.value.id in os_names):
            continue
        key = None
        parent = parents.get(node)
        if (node.attr == "environ" and isinstance(parent, ast.Attribute) and parent.attr == "setdefault"
                and isinstance(parents.get(parent), ast.Call) and parents[parent].args
                and isinstance(parents[parent].args[0], ast.Constant)):
            key = parents[parent].args[0].value
        uses.append((node.lineno, f"os.{node.attr}" + (".setdefault" if key else ""), key))
    return uses


def environment_violations(relative: str, source: str) -> list[str]:
    if relative in ENV_READERS:
        return []
    allowed_keys = ENV_DEFAULTS.get(relative, set())
    return [f"{relative}:{line}: {what}" for line, what, key in environment_uses(source)
            if key is None or key not in allowed_keys]


def imported_modules(module: str, is_package: bool, source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            found.extend((node.lineno, f"{target}.{a.name}") for a in node.names)
    return found


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_import_contracts_hold():
    result = subprocess.run([str(REPO / ".venv" / "bin" / "lint-imports")], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    kept = re.search(r"Contracts: (\d+) kept, 0 broken", result.stdout)
    assert kept and int(kept.group(1)) >= 6, result.stdout


def test_only_settings_reads_the_environment():
    problems = []
    for path in source_files():
        relative = path.relative_to(REPO).as_posix()
        problems += environment_violations(relative, path.read_text(encoding="utf-8"))
    assert problems == [], "read configuration in bot/settings.py and pass it in:\n" + "\n".join(problems)


def test_only_composition_roots_import_the_adapters():
    problems = []
    for path in source_files():
        module = module_name(path)
        if any(within(module, root) for root in COMPOSITION_ROOTS):
            continue
        for line, target in imported_modules(module, path.name == "__init__.py", path.read_text(encoding="utf-8")):
            for adapter in ADAPTERS:
                if within(target, adapter) and not within(module, adapter):
                    problems.append(f"{path.relative_to(REPO)}:{line}: imports {target}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("relative", "source", "flagged"),
    [
        ("bot/core/x.py", "import os\nURL = os.environ['DATABASE_URL']\n", ["bot/core/x.py:2: os.environ"]),
        ("bot/core/x.py", "import os as o\nURL = o.getenv('X')\n", ["bot/core/x.py:2: os.getenv"]),
        ("index/x.py", "from os import environ\n", ["index/x.py:1: from os import environ"]),
        ("index/embedding.py", "import os\nos.environ.setdefault('HF_HUB_OFFLINE', '1')\n", []),
        ("index/embedding.py", "import os\nos.environ.setdefault('POLICYBOT_X', '1')\n",
         ["index/embedding.py:2: os.environ.setdefault"]),
        ("bot/cli.py", "import os\nos.environ.get('HF_HUB_OFFLINE')\n", ["bot/cli.py:2: os.environ"]),
        ("bot/settings.py", "import os\nos.environ.get('X')\n", []),
        ("bot/core/x.py", "import os\npath = os.path.join('a', 'b')\n", []),
    ],
)
def test_the_environment_check_itself(relative, source, flagged):
    assert environment_violations(relative, source) == flagged


def test_the_import_check_resolves_relative_imports():
    found = imported_modules("bot.core.app", False, "from ..slack import blocks\nimport bot.teams.cards\n")
    targets = {target for _, target in found}
    assert {"bot.slack", "bot.slack.blocks", "bot.teams.cards"} <= targets
    assert any(within(t, "bot.slack") for t in targets)
