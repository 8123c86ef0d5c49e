"""Whatever is wrong with a ZIP that a CSV import is given (an encrypted member, a
compression method argmap does not read, a truncated or damaged archive, a ZIP bomb),
the import refuses it with a message, nothing is written, and the API answers 400."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import ClaimFactory
from tests.interchange import database_unchanged, imported, problems

pytestmark = pytest.mark.django_db

CLAIMS = "ref,kind,text\nP1,position,Build the bypass\nC1,claim,It saves time\n"


def zipped(text: str = CLAIMS, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("claims.csv", text)
    return buffer.getvalue()


def patched(content: bytes, *, flags: int | None = None, method: int | None = None) -> bytes:
    """`content` with its members' flags or compression method changed, in the local and the
    central headers alike (Python writes no encrypted ZIP, nor one in Deflate64)."""
    data = bytearray(content)
    for signature, flags_at in [(b"PK\x03\x04", 6), (b"PK\x01\x02", 8)]:
        start = data.find(signature)
        while start != -1:
            if flags is not None:
                data[start + flags_at : start + flags_at + 2] = flags.to_bytes(2, "little")
            if method is not None:
                data[start + flags_at + 2 : start + flags_at + 4] = method.to_bytes(2, "little")
            start = data.find(signature, start + 4)
    return bytes(data)


def damaged(content: bytes) -> bytes:
    """The member's compressed bytes overwritten, its headers intact."""
    data = bytearray(content)
    info = zipfile.ZipFile(io.BytesIO(content)).infolist()[0]
    start = info.header_offset + 30 + len(info.filename)
    data[start : start + info.compress_size] = b"\xff" * info.compress_size
    return bytes(data)


BOMB = zipped("ref,text\nC1," + "a" * 20_000_000 + "\n")

CASES = [
    (patched(zipped(), flags=0x1), "claims.csv: the file is encrypted in the ZIP archive"),
    (patched(zipped(), method=9), "claims.csv: compressed with a method argmap does not read (ZIP method 9)"),
    (zipped(compression=zipfile.ZIP_LZMA), "claims.csv: compressed with a method argmap does not read (ZIP method 14)"),
    (zipped()[:-30], "not a readable ZIP archive"),
    (damaged(zipped()), "the ZIP archive is damaged"),
    (BOMB, "claims.csv: unpacks to 20,000,013 bytes from"),
]
IDS = ["encrypted", "deflate64", "lzma", "truncated", "damaged", "bomb"]


def test_a_zip_as_written_is_read():
    assert imported(zipped(), "csv", name="bypass.zip", question="Should we?").topic.claims.count() == 1


@pytest.mark.parametrize(("content", "message"), CASES, ids=IDS)
def test_a_zip_problem_is_reported_and_nothing_is_written(content, message):
    found = problems(content, "csv", name="map.zip")
    assert len(found) == 1
    assert found[0].startswith(message), found


@pytest.mark.parametrize(("content", "message"), CASES, ids=IDS)
def test_a_zip_problem_is_a_400_from_the_api(editor_api, content, message):
    ClaimFactory()
    body = {"file": SimpleUploadedFile("map.csv.zip", content), "format": "csv", "dry_run": "false"}
    with database_unchanged():
        response = editor_api.post(reverse("api:import-list"), body, format="multipart")
    assert response.status_code == 400
    found = [f"{p['where']}: {p['message']}" if p["where"] else p["message"] for p in response.json()["problems"]]
    assert found[0].startswith(message), found
