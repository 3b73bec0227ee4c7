"""The import contracts of pyproject.toml ([tool.importlinter]: the layers, no sibling cycles,
renderers without models, nothing importing the package root) hold. `lint-imports` checks the
same in scripts/test.sh; this test makes a plain pytest run catch an upward import too."""

from pathlib import Path

import pytest

importlinter_cli = pytest.importorskip("importlinter.cli")

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    code = importlinter_cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"),
                                         no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert code == 0, report
    assert "4 kept, 0 broken" in report
