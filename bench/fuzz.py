"""The fuzz tests (tests/test_fuzz.py) run long: SCALE times the CI's cases, new cases each
run, with the time and the peak memory of the run reported and held to a ceiling. A
case that raises anything but a BulletinError fails the run, as in CI; a run past the
memory ceiling (the issue files' and photos' ceilings should keep it far below) fails too.

    .venv/bin/python bench/fuzz.py [--scale 20] [--max-mb 1500]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=20, help="times the CI's number of cases (default 20)")
    parser.add_argument("--max-mb", type=int, default=1500, help="the peak memory a run may reach (default 1500 MB)")
    args = parser.parse_args()
    env = dict(os.environ, BULLETINPRESS_FUZZ_SCALE=str(args.scale))
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_fuzz.py"],
                         cwd=ROOT, env=env)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"fuzz ×{args.scale}: exit {run.returncode}, {seconds:.0f} s, peak {peak_mb:.0f} MB (ceiling {args.max_mb} MB)")
    return run.returncode or int(peak_mb > args.max_mb)


if __name__ == "__main__":
    sys.exit(main())
