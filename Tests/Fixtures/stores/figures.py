#!/usr/bin/env python3
"""Independent figures of the fixture stores, read straight from their files (not through Relance's code).

Usage: python3 Tests/Fixtures/stores/figures.py Tests/Fixtures/stores/schema-3
Prints customers, invoices, payments, activities, last change and the open total in cents; the numbers are
pasted into Tests/FileStoreTests/FixtureStoreTests.swift.
"""
import json, sys, os
from decimal import Decimal

d = sys.argv[1]
lines = open(os.path.join(d, "snapshot.jsonl"), encoding="utf-8").read().splitlines()
header = json.loads(lines[0])["snapshot"]
customers, invoices, payments, activities = set(), {}, {}, 0
allocated = Decimal(0)
for l in lines[1:]:
    r = json.loads(l)
    if "customer" in r: customers.add(r["customer"]["id"])
    elif "invoice" in r: invoices[r["invoice"]["number"]] = Decimal(r["invoice"]["amount"])
    elif "payment" in r:
        payments[r["payment"]["id"]] = r["payment"]
    elif "activity" in r: activities += 1
if header.get("history"):
    activities += len(open(os.path.join(d, header["history"]), encoding="utf-8").read().splitlines())
seq = header["seq"]
def walk(change):
    global activities
    for kind, body in change.items():
        if kind == "batch":
            for c in body["changes"]: walk(c)
        elif kind == "recordPayment": payments[body["payment"]["id"]] = body["payment"]
        elif kind == "logActivity": activities += 1
for l in open(os.path.join(d, "journal.jsonl"), encoding="utf-8").read().splitlines()[1:]:
    e = json.loads(l)["entry"]
    if e["seq"] > header["seq"]:
        walk(e["change"]); seq = e["seq"]
for p in payments.values():
    for a in p["allocations"]: allocated += Decimal(a["amount"])
open_total = sum(invoices.values()) - allocated
print(f"customers {len(customers)} invoices {len(invoices)} payments {len(payments)} activities {activities} seq {seq} open_cents {int(open_total * 100)}")
