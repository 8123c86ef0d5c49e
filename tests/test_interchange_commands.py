"""manage.py export_map and import_map: thin commands with a one-line summary, problems
listed with their place, a non-zero exit on failure, and a progress bar on terminals only."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from argmap.management.progress import ProgressBar
from argmap.models import Claim, Topic
from tests.factories import LinkFactory
from tests.interchange import database_unchanged, exported

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def topic():
    return LinkFactory(claim__topic__slug="bypass", claim__text="Traffic is unbearable.").claim.topic


def test_export_writes_the_file_and_says_what_it_wrote(topic, tmp_path):
    target = tmp_path / "bypass.aif.json"
    out, err = run("export_map", "bypass", "--format", "aif", "-o", str(target))
    assert target.read_bytes() == exported(topic, "aif")
    assert out.startswith(f"Exported “bypass” as AIF (AIFdb JSON) to {target}: {target.stat().st_size:,} bytes in ")
    assert err == ""


def test_export_to_standard_output_keeps_the_summary_apart(topic):
    out, err = run("export_map", "bypass", "--format", "argdown")
    assert out.encode() == exported(topic, "argdown")
    assert err.startswith("Exported “bypass” as Argdown to standard output")


def test_export_of_an_unknown_topic_names_the_topics_there_are(topic):
    with pytest.raises(CommandError, match="No topic “nope”. Topics: bypass."):
        run("export_map", "nope")


def test_a_zip_is_not_written_to_a_text_stream(topic):
    with pytest.raises(CommandError, match="give a file with -o"):
        run("export_map", "bypass", "--format", "csv")


def test_import_creates_the_topic_as_the_given_user(topic, editor, tmp_path):
    source = tmp_path / "bypass.json"
    source.write_bytes(exported(topic))
    out, _err = run(
        "import_map", str(source), "--format", "json", "--slug", "bypass-2", "--new-uids", "--user", "editor"
    )
    assert out.splitlines()[0] == "bypass.json: imported “bypass-2”: 1 position, 1 claim, 1 link."
    assert out.splitlines()[1] == "The topic is published: /topics/bypass-2/"
    assert Claim.history.get(history_user=editor).text == "Traffic is unbearable."


def test_dry_run_reports_and_writes_nothing(topic, tmp_path):
    source = tmp_path / "bypass.json"
    source.write_bytes(exported(topic))
    with database_unchanged():
        out, _err = run("import_map", str(source), "--format", "json", "--slug", "other", "--new-uids", "--dry-run")
    assert out == "bypass.json: would import “other”: 1 position, 1 claim, 1 link.\n"


def test_import_with_problems_lists_them_and_fails(topic, tmp_path):
    source = tmp_path / "bypass.json"
    source.write_bytes(exported(topic))
    err = io.StringIO()
    with database_unchanged(), pytest.raises(CommandError, match=r"bypass.json: 4 problems; nothing was imported."):
        call_command("import_map", str(source), "--format", "json", stdout=io.StringIO(), stderr=err)
    assert (
        err.getvalue().splitlines()[0]
        == "  topic: slug: a topic “bypass” already exists; import this map under another slug"
    )
    assert all(line.startswith("  ") for line in err.getvalue().splitlines())


def test_import_names_an_unknown_user_or_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No user “nobody”."):
        run("import_map", str(tmp_path / "x.json"), "--format", "json", "--user", "nobody")
    with pytest.raises(CommandError, match=r"Cannot read .*x.json: No such file or directory."):
        run("import_map", str(tmp_path / "x.json"), "--format", "json")


@pytest.mark.slow  # manage.py in a process of its own
def test_a_failed_import_exits_non_zero(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "argmap-export/1", "topic": ')
    manage = Path(__file__).resolve().parent.parent / "manage.py"
    environment = {**os.environ, "DATABASE_URL": "", "SQLITE_PATH": str(tmp_path / "unused.sqlite3")}
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(manage), "import_map", str(broken), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment,
    )
    assert result.returncode == 1
    assert "line 1, column 40: not valid JSON" in result.stderr
    assert "broken.json: 1 problem; nothing was imported." in result.stderr


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_is_drawn_on_a_terminal_only():
    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        bar = ProgressBar(stream)
        bar("reading", 50, 100)
        bar("reading", 50, 100)  # the same again: not redrawn
        bar("saving", 11, 11)
        bar.finish()
    assert terminal.getvalue() == (
        "\rreading   [###############...............]  50%\rsaving    [##############################] 100%\r\x1b[K"
    )
    assert log.getvalue() == ""


def test_the_command_imports_what_the_other_exported(topic, tmp_path):
    target = tmp_path / "bypass.argdown"
    run("export_map", "bypass", "--format", "argdown", "-o", str(target))
    run("import_map", str(target), "--format", "argdown", "--slug", "from-argdown", "--new-uids")
    assert Topic.objects.get(slug="from-argdown").claims.get().text == "Traffic is unbearable."
