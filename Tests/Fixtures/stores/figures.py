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
# Dunning levels (schema 5 keeps them with the invoices; before, they follow from the letters in the history):
# the default policy's ladder is reminder-after-due (1) then formal-notice (2); courtesy letters are level 0.
LADDER = {"reminder-after-due": 1, "formal-notice": 2}
WRITTEN = {"letter", "email", "sms", "fax", "formal-notice", "injunction"}
levels = {}
def letter(a):
    if a.get("channel") not in WRITTEN: return
    for n in a.get("invoices", []):
        lv, last = levels.get(n, (0, None))
        levels[n] = (max(lv, LADDER.get(a.get("step"), 0)), max(last or a["date"], a["date"]))
allocated = Decimal(0)
for l in lines[1:]:
    r = json.loads(l)
    if "customer" in r: customers.add(r["customer"]["id"])
    elif "invoice" in r:
        invoices[r["invoice"]["number"]] = Decimal(r["invoice"]["amount"])
        if "dunningLevel" in r["invoice"] or "lastDunned" in r["invoice"]:
            # The step reached names the level (a policy may gain or lose steps); the number is the fallback.
            i = r["invoice"]
            levels[i["number"]] = (LADDER.get(i.get("dunningStep"), i.get("dunningLevel", 0)), i.get("lastDunned"))
    elif "payment" in r:
        payments[r["payment"]["id"]] = r["payment"]
    elif "activity" in r: activities += 1; letter(r["activity"])
if header.get("history"):
    for hl in open(os.path.join(d, header["history"]), encoding="utf-8").read().splitlines():
        activities += 1
        if header.get("schemaVersion", 1) < 5: letter(json.loads(hl)["activity"] if "activity" in json.loads(hl) else json.loads(hl))
seq = header["seq"]
def walk(change):
    global activities
    for kind, body in change.items():
        if kind == "batch":
            for c in body["changes"]: walk(c)
        elif kind == "recordPayment": payments[body["payment"]["id"]] = body["payment"]
        elif kind == "logActivity": activities += 1; letter(body["activity"])
for l in open(os.path.join(d, "journal.jsonl"), encoding="utf-8").read().splitlines()[1:]:
    e = json.loads(l)["entry"]
    if e["seq"] > header["seq"]:
        walk(e["change"]); seq = e["seq"]
for p in payments.values():
    for a in p["allocations"]: allocated += Decimal(a["amount"])
open_total = sum(invoices.values()) - allocated
print(f"customers {len(customers)} invoices {len(invoices)} payments {len(payments)} activities {activities} seq {seq} open_cents {int(open_total * 100)}")
print("levels " + " ".join(f"{n}={lv}@{last}" for n, (lv, last) in sorted(levels.items())))
