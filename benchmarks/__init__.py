"""argmap's benchmarks: measured figures, printed, never asserted (the test suite pins
query counts instead), and never imported by the product. Run them from the top of the
repository, with the settings of the database to measure (DATABASE_URL):

    python -m benchmarks                      # maps of 1,000 and 10,000 claims
    python -m benchmarks --large              # and 100,000
    python -m benchmarks --huge               # and 1,000,000 (generating it takes a while)
    python -m benchmarks --sizes 1000 --only api,interchange --repeat 5

`make bench` does that on PostgreSQL when it answers. From the command line each size is
measured in a process of its own (peak memory of one size does not show in the next) on a
database of its own, kept between runs so that a map is generated once: the name of
DATABASE_URL's database with `_<size>` added (argmap_bench_1000…), or on SQLite
SQLITE_PATH's file with `-<size>` (bench-1000.sqlite3…); `--in-process` measures in this
process and database instead, as the tests do through `bench.main()`.

Each module of this package measures one area and defines

    AREA = "api"                      # its name on the command line (--only)
    ORDER = 50                        # optional: areas run by ORDER, then name (memory is 0)
    def run(bench: Bench) -> None     # measures, and calls bench.report(...) per figure

and is found by itself (benchmarks.bench.areas): a new module with an AREA (say
`writes`) is a new `--only` name, nothing else to register. Bench gives it the maps
(`bench.topic(size)`), the number of timed runs for a size (`bench.runs(size)`), timers
alone (`median_ms`) or alternately with the raw baseline's list page (`paired_ms`), the
peak memory of a request in a forked worker (`peak`), and `report`. handlers.py names the
requests the areas share (the topic page, a branch, search, list pages, the admin…).
raw.py is the baseline: psycopg and orjson with SQL of its own, nothing of argmap's.
"""
