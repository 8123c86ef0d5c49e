"""argmap's benchmarks: measured figures, printed, never asserted (the test suite pins
query counts instead), and never imported by the product. Run them from the top of the
repository, with the settings of the database to measure (DATABASE_URL):

    python -m benchmarks                      # maps of 1,000 and 10,000 claims
    python -m benchmarks --large              # and 100,000
    python -m benchmarks --huge               # and 1,000,000 (generating it takes a while)
    python -m benchmarks --sizes 1000 --only api,interchange --repeat 5

`make bench` does that on a database of its own. Each module of this package measures
one area and defines

    AREA = "api"                      # its name on the command line (--only)
    def run(bench: Bench) -> None     # measures, and calls bench.report(...) per figure

and is found by itself (benchmarks.bench.areas). raw.py is the baseline: psycopg and
orjson with SQL of its own, nothing of argmap's.
"""
