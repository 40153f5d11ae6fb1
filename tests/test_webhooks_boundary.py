"""The boundary stays mechanical: the core never imports the web stack or the channels."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("flask", "werkzeug", "twilio", "telegram", "webhooks", "gunicorn")
CORE_FILES = sorted(p for pkg in ("bot", "faq") for p in (ROOT / pkg).rglob("*.py"))


def imported_roots(path: Path) -> set[str]:
    """Top-level package of every import in a file, including imports inside functions."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_imports_no_channel_package(path):
    assert not imported_roots(path) & set(FORBIDDEN)


def test_loading_the_core_and_answering_pulls_in_no_channel_package():
    code = (
        "import sys, bot.cli, bot.engine\n"
        "from bot.messages import Message\n"
        "bot.engine.build_engine().handle(Message('cli', 'x', 'menu'))\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_sro_bot_ask_does_not_load_the_web_stack():
    code = (
        "import sys, io, contextlib\n"
        "from webhooks.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['ask', 'hello'])\n"
        "web = ('flask', 'telegram', 'twilio')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in web))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


FAQ_FILES = sorted((ROOT / "faq").rglob("*.py"))
PACKAGE_FILES = sorted(p for pkg in ("bot", "faq", "webhooks") for p in (ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("path", FAQ_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_faq_is_the_ground_floor(path):
    assert not imported_roots(path) & {"bot", "webhooks", *FORBIDDEN}


def _files_mentioning(needle: str) -> list[str]:
    return [
        str(p.relative_to(ROOT))
        for p in PACKAGE_FILES
        if needle in p.read_text(encoding="utf-8") and "migrations" not in p.parts
    ]


def test_the_environment_is_read_in_two_modules():
    readers = sorted(set(_files_mentioning("os.environ")) | set(_files_mentioning("getenv")))
    assert readers == ["bot/settings.py", "webhooks/config.py"]


def test_command_line_parsers_live_in_two_modules():
    assert sorted(_files_mentioning("add_parser(")) == ["bot/cli.py", "webhooks/cli.py"]


@pytest.mark.parametrize("package", ["bot", "webhooks"])
def test_top_level_of_a_package_stays_small(package):
    assert len(list((ROOT / package).glob("*.py"))) <= 10


def test_library_logs_never_carry_exception_text():
    import io
    import logging

    from webhooks import logs

    stream = io.StringIO()
    level = logging.getLogger().level
    logs.configure_libraries(logging.WARNING, stream)
    try:
        raise ValueError("UNIQUE constraint failed: i took a lot of pills and want to die")
    except ValueError:
        logging.getLogger("huey").exception("Unhandled exception in task %s.", "abc")
    finally:
        for handler in list(logging.getLogger().handlers):
            if isinstance(handler.formatter, logs.RedactedFormatter):
                logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(level)
    line = stream.getvalue()
    assert '"error":"ValueError"' in line and "pills" not in line and "abc" not in line
