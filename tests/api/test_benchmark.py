"""The API benchmark (python -m benchmarks --only api) runs, at a tiny size, so that it
never rots. It checks by itself that argmap and the raw baseline return the same JSON."""

import io

import pytest

from benchmarks.bench import main


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_api_benchmark_measures_map_and_list_beside_the_raw_baseline(on_postgresql):
    out = io.StringIO()
    main(["--sizes", "30", "--only", "api", "--repeat", "1"], write=lambda line: print(line, file=out))
    report = out.getvalue()
    for what in ["map", "list page (50 claims)"]:
        assert f"{what}, in process: argmap time / raw" in report
        # The servers cannot share SQLite's in-memory test database; PostgreSQL they can.
        assert (f"{what}, HTTP: argmap req/s / raw" in report) == on_postgresql
