"""CSV: a ZIP of claims, links, the stance matrix and the topic; formula-like cells
escaped; claims and links drafted in a spreadsheet import, with problems by row."""

import csv
import io
import zipfile

import pytest
from django.core.management import call_command

from argmap.interchange.csv import cell, table, uncell
from argmap.models import Topic
from tests.factories import LinkFactory, PositionFactory, StakeholderFactory, StanceFactory, TopicFactory
from tests.interchange import argument, exported, imported, problems, statements

pytestmark = pytest.mark.django_db


def tables(topic) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(exported(topic, "csv"))) as archive:
        return {
            name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))) for name in archive.namelist()
        }


def zipped(**files: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"{name}.csv", text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("'quoted", "''quoted"),
        ("Plain = fine", "Plain = fine"),
        (0.5, "0.5"),
        (None, ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_escaped(value, written):
    assert cell(value) == written
    assert uncell(written) == ("" if value is None else str(value))


def test_a_table_is_its_csv_text_in_utf8_after_a_byte_order_mark():
    """Encoded as it is written (never held as text): the bytes the text would encode to."""
    rows = [
        ("ref", "text", "score"),
        ("C1", 'Quotes "inside", commas, and\r\nline breaks\n', 0.5),
        ("C2", "Émigré 🙂 مرحبا, e\u0301", None),
        ("C3", "", 1),
    ] * 3000
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    assert table(rows).getvalue() == b"\xef\xbb\xbf" + text.getvalue().encode()


def test_export_is_a_zip_of_four_tables_with_formulas_escaped():
    link = LinkFactory(claim__text="=cmd|' /C calc'!A0", target_position__title="@risk: the position")
    exported_tables = tables(link.claim.topic)
    assert set(exported_tables) == {"claims.csv", "links.csv", "stances.csv", "topic.csv"}
    claims = exported_tables["claims.csv"]
    assert claims[0] == ["ref", "kind", "text", "base_score", "summary", "uid"]
    assert claims[1][:3] == ["P1", "position", "'@risk: the position"]
    assert claims[2][:4] == ["C1", "claim", "'=cmd|' /C calc'!A0", "0.5"]
    assert exported_tables["links.csv"][1][:3] == ["C1", "supports", "P1"]
    assert not any(
        value.startswith(("=", "+", "-", "@")) for table in exported_tables.values() for row in table for value in row
    )


def test_stance_matrix_has_a_row_per_stakeholder_and_a_column_per_position():
    topic = TopicFactory()
    yes, no = PositionFactory(topic=topic, title="Yes", order=0), PositionFactory(topic=topic, title="No", order=1)
    StanceFactory(
        stakeholder=StakeholderFactory(name="Beta", slug="beta"),
        position=yes,
        stance="supports",
        basis="stated",
        quote="Yes!",
    )
    StanceFactory(
        stakeholder__name="Alpha",
        stakeholder__slug="alpha",
        position=no,
        stance="opposes",
        basis="inferred",
        source=None,
    )
    assert tables(topic)["stances.csv"] == [
        ["stakeholder", "slug", "Yes", "No"],
        ["Alpha", "alpha", "", "opposes (inferred)"],
        ["Beta", "beta", "supports (stated)", ""],
    ]


def test_the_argument_comes_back_from_the_zip():
    call_command("load_demo", verbosity=0)
    topic = Topic.objects.get(slug="microsoft-openai-control")
    copy = imported(exported(topic, "csv"), "csv", slug="copy", new_uids=True).topic
    assert statements(copy) == statements(topic)
    assert argument(copy) == argument(topic)
    assert copy.question == topic.question


def test_claims_and_links_drafted_in_a_spreadsheet_import():
    content = zipped(
        claims=(
            "ref;kind;text;base_score\n"
            "YES;position;Build the bypass\n"
            "T;;Traffic is unbearable;0.7\n"
            "C;claim;It costs £40m;\n"
        ),
        links="claim;polarity;target\nT;supports;YES\nC;opposes;YES\n",
    )
    topic = imported(content, "csv", name="bypass.zip", question="Should the council build the bypass?").topic
    assert topic.slug == "bypass"
    assert topic.status == "draft"
    assert argument(topic) == {
        ("Traffic is unbearable", "Build the bypass", "supports"),
        ("It costs £40m", "Build the bypass", "opposes"),
    }
    assert topic.claims.get(text="Traffic is unbearable").base_score == 0.7


def test_a_single_csv_file_imports_its_claims():
    topic = imported(b"ref,text\n1,First claim\n2,Second claim\n", "csv", name="draft.csv").topic
    assert statements(topic) == (set(), {"First claim", "Second claim"})


def test_problems_are_reported_by_file_and_row():
    content = zipped(
        claims=(
            "ref,kind,text,base_score\n"
            "A,claim,Fine,0.5\n"
            "A,claim,Same ref,0.5\n"
            "B,claim,,0.5\n"
            "C,opinion,Odd kind,\n"
            "D,claim,Too strong,7\n"
        ),
        links="claim,polarity,target\nA,supports,Z\nA,maybe,D\n",
    )
    assert problems(content, "csv", name="draft.zip") == [
        "claims.csv row 3: ref: “A” is already the ref of claims.csv row 2",
        "claims.csv row 5: kind: must be position or claim, not “opinion”",
        "links.csv row 2: target: no row “Z” in claims.csv",
        "claims.csv row 4: text: may not be empty",
        "claims.csv row 6: base_score: must be a number from 0.0 to 1.0, not 7.0",
        "links.csv row 3: polarity: must be one of opposes, supports, not “maybe”",
    ]


def test_a_zip_without_claims_or_a_broken_zip_is_refused():
    assert problems(zipped(links="claim,polarity,target\n"), "csv") == ["the ZIP archive has no claims.csv"]
    assert problems(b"PK\x03\x04 not really a zip", "csv") == ["not a readable ZIP archive"]


def test_quotes_commas_and_line_breaks_come_back_from_the_zip():
    text = 'She said "no", twice;\nthen\r\nleft'
    link = LinkFactory(claim__text=text, target_position__title="-5 °C, at night")
    claims = tables(link.claim.topic)["claims.csv"]
    assert claims[1][2] == "'-5 °C, at night"
    assert claims[2][2] == text
    copy = imported(exported(link.claim.topic, "csv"), "csv", slug="copy", new_uids=True).topic
    assert statements(copy) == ({"-5 °C, at night"}, {text})
