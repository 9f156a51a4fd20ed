"""What both Python runners share (``run_python_client.py``, ``run_openapi_generator_python.py``):
the name normalisations they find operations and parameters by, and the loop that calls every
operation of ``calls.json`` and prints one JSON line per operation. Each runner's directory is
first on ``sys.path`` when Python runs it, so ``import run_calls`` finds this file.
"""

import json
import re
import sys
import traceback


def snake(name: str) -> str:
    """``listCustomerTickets`` → ``list_customer_tickets``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def key(name: str) -> str:
    """A name reduced to lower-case letters and digits, for matching across spellings."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def report_each(calls, call_one):
    """Calls ``call_one(call)`` for every call and prints ``{"operation", "ok", "detail"}`` as
    one JSON line each; an exception is a failure of that call (its traceback with ``-v``)."""
    for call in calls["calls"]:
        try:
            ok, detail = call_one(call)
        except Exception as err:  # noqa: BLE001 - every failure is reported, not raised
            ok, detail = False, f"{type(err).__name__}: {err}"
            if "-v" in sys.argv:
                traceback.print_exc()
        print(json.dumps({"operation": call["operation"], "ok": ok, "detail": str(detail)[:400]}),
              flush=True)
