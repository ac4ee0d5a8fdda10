#!/usr/bin/env python3
"""Adds up the counters of every TRX file under a folder and prints 'N passed, N failed[, N skipped]'."""
import pathlib
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
passed = failed = skipped = 0
files = list(pathlib.Path(sys.argv[1]).rglob("*.trx"))
if not files:
    sys.exit(1)
for trx in files:
    counters = ET.parse(trx).getroot().find(f"{NS}ResultSummary/{NS}Counters")
    if counters is None:
        continue
    get = lambda name: int(counters.get(name, "0"))
    passed += get("passed")
    failed += get("failed") + get("error") + get("timeout") + get("aborted")
    skipped += get("notExecuted")
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
