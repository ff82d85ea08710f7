"""Generate the prefecture-scale dataset: 中共恩施州委 → 8 counties → ~90 townships → ~2,500 villages and
communities → ~12,500 branches (~15,000 organizations), ~250,000 people with positions, the demo accounts.

    .venv/bin/python bench/generate.py            # SQLite: var/bench.sqlite3
    .venv/bin/python bench/generate.py --pg       # PostgreSQL: database dangjian_bench (created if missing)
    DATABASE_URL=... .venv/bin/python bench/generate.py

The data comes from the same builder as `manage.py demo` (dangjian.demo.builder, scale "bench"), so it
keeps every invariant of the services. An existing dataset is kept unless --force is given.
"""

import argparse
import os
import time

import common
import outreach


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", action="store_true", help="use PostgreSQL (dangjian_bench) instead of SQLite")
    parser.add_argument("--force", action="store_true", help="regenerate even when the dataset exists")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or (common.PG_URL if args.pg else common.SQLITE_URL)
    started = time.monotonic()
    common.setup(url)
    counts = common.ensure_data(force=args.force)
    counts["help_cases"] = outreach.ensure_help_cases()
    print(f"{common.engine_label()}: {counts} ({time.monotonic() - started:.0f} s including migrations)")


if __name__ == "__main__":
    main()
