"""python -m ipmd.build [--sources DIR] [--out PATH]

Builds data/ipmd.duckdb from the source folder (default ../shared/sources, or $IPMD_SOURCES).
Exit status 1 with a one-paragraph message when a source file or a check fails; the previous database
is left as it was.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ipmd import DEFAULT_DB, DEFAULT_SOURCES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ipmd.build", description=__doc__.splitlines()[2])
    parser.add_argument("--sources", type=Path, default=Path(os.environ.get("IPMD_SOURCES", DEFAULT_SOURCES)),
                        help="folder of source files (default: $IPMD_SOURCES or %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_DB, help="database to write (default: %(default)s)")
    args = parser.parse_args(argv)

    from ipmd.build.pipeline import BuildCheckError, build
    from ipmd.build.sources import SourceError

    t0 = time.perf_counter()
    print(f"building {args.out} from {args.sources}", flush=True)
    try:
        build(args.sources, args.out)
    except (SourceError, BuildCheckError) as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        print(f"the previous database at {args.out} was left unchanged", file=sys.stderr)
        return 1
    print(f"done in {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
