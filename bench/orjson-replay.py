#!/usr/bin/env python3
"""The alternative a team might script: parse every line of a casetrail log with orjson and fold the
actions' statuses into a count of outstanding ones. It checks no hash, chain or rule."""
import sys
import orjson

status = {}
closing = {"action_signed_off", "action_transferred", "action_withdrawn"}
with open(sys.argv[1], "rb") as log:
    for line in log:
        event = orjson.loads(line)
        kind = event["type"]
        if kind.startswith("action_"):
            status[event["stream"]] = kind
print(sum(1 for kind in status.values() if kind not in closing))
