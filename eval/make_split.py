#!/usr/bin/env python3
"""Split the labelled questions ONCE into a working part and a frozen test part.

The test part is drawn, with a fixed seed, from the questions no rule, weight or threshold was
ever tuned on: the fresh sets (`questions/fresh-*.jsonl`, written from the documents by people
who had not seen the system) and the held-out set (`holdout/holdout-000.jsonl`). The sets the
old answering rules were tuned on (`questions/own-*.jsonl`, `shared/dev-004.jsonl`) all stay in
the working part. The draw is stratified by document (`source`), type and expected status: in
each stratum, TEST_SHARE of the questions (rounded, at least one in a stratum of three or more)
go to the test part.

The result is `eval/split.json`. Running this again refuses to overwrite it: the split is made
once, and the test part is only ever reported, never used to choose anything.

Usage: python3 eval/make_split.py
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261206
TEST_SHARE = 0.4
POOL = ["questions/fresh-*.jsonl", "holdout/holdout-*.jsonl"]
WORKING_ONLY = ["questions/own-*.jsonl", "shared/dev-004.jsonl"]
OUT = HERE / "split.json"


def read(patterns: list[str]) -> list[dict]:
    rows = []
    for pattern in patterns:
        for path in sorted(HERE.glob(pattern)):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    rows.append({**json.loads(line), "_set": str(path.relative_to(HERE))})
    return rows


def main() -> int:
    if OUT.exists():
        print(f"{OUT} exists: the split is made once and never redrawn", file=sys.stderr)
        return 1
    pool, tuned = read(POOL), read(WORKING_ONLY)
    strata: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for q in pool:
        strata[(q["source"][:3], q["type"], q["expect_status"])].append(q["id"])
    rng = random.Random(SEED)
    test: list[str] = []
    for key in sorted(strata):
        ids = sorted(strata[key])
        rng.shuffle(ids)
        take = round(TEST_SHARE * len(ids))
        if take == 0 and len(ids) >= 3:
            take = 1
        test.extend(ids[:take])
    every = [q["id"] for q in pool + tuned]
    out = {
        "seed": SEED,
        "test_share_of_pool": TEST_SHARE,
        "pool": POOL,
        "working_only": WORKING_ONLY,
        "sets": sorted({q["_set"] for q in pool + tuned}),
        "questions": len(every),
        "test": sorted(test),
    }
    OUT.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(test)} of {len(every)} questions ({len(test) / len(every):.0%}) in the test part")
    return 0


if __name__ == "__main__":
    sys.exit(main())
