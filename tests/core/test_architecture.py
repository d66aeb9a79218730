"""bot.core stays platform-free: no adapter, CLI or settings imports, no environment reads."""
from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "bot" / "core"
FORBIDDEN = ("bot.slack", "bot.teams", "bot.server", "bot.cli", "bot.commands", "bot.settings", "bot.composition")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_core_imports_nothing_platform_specific():
    offenders = [(p.relative_to(CORE), name) for p in CORE.rglob("*.py") for name in _imports(p)
                 if name.startswith(FORBIDDEN)]
    assert offenders == []


def test_core_never_reads_the_environment():
    offenders = [p.relative_to(CORE) for p in CORE.rglob("*.py")
                 if "os.environ" in p.read_text(encoding="utf-8") or "getenv" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_modules_are_small_and_documented():
    for path in CORE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 300, path
        if text.strip():
            assert ast.get_docstring(ast.parse(text)), f"{path} has no module docstring"
