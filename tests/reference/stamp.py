#!/usr/bin/env python3
"""Records which generated file a fixture came from (size + FNV-1a 64 of its bytes), so the
Rust test can tell a changed generator from a wrong result."""
import json
import sys


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


if __name__ == "__main__":
    csv, transactions, seed, *fixtures = sys.argv[1:]
    data = open(csv, "rb").read()
    stamp = {"transactions": int(transactions), "seed": int(seed), "bytes": len(data), "fnv1a64": fnv1a64(data)}
    for path in fixtures:
        doc = json.load(open(path))
        doc["input"] = stamp
        json.dump(doc, open(path, "w"), ensure_ascii=False, separators=(",", ":"))
