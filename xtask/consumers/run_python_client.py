"""Calls every operation of ``calls.json`` through a client that openapi-python-client
generated, against ``mock-server``; prints one JSON line per operation.

Usage: ``python run_python_client.py <dir holding the package> <package> <calls.json>``.
An operation passes when it gets a 200 that the client parses (``Response.parsed`` is the
200 model, or the file). LiveAgent's key goes into every query through httpx's ``params``;
Contiple calls are signed by the httpx hook of ``helpers/contiple_signing.py``.
"""

import base64
import enum
import importlib
import io
import json
import pkgutil
import sys
import typing

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/helpers")
from contiple_signing import Signer  # noqa: E402
from run_calls import key, report_each, snake  # noqa: E402

package = importlib.import_module(sys.argv[2])
calls = json.load(open(sys.argv[3], encoding="utf-8"))
client_module = importlib.import_module(f"{sys.argv[2]}.client")
types_module = importlib.import_module(f"{sys.argv[2]}.types")



def find_module(operation: str):
    """``api/<tag>/<operation_snake>.py``."""
    api = importlib.import_module(f"{sys.argv[2]}.api")
    for info in pkgutil.walk_packages(api.__path__, api.__name__ + "."):
        if info.name.rsplit(".", 1)[-1] == snake(operation):
            return importlib.import_module(info.name)
    raise LookupError(f"no module for {operation}")


def candidates(annotation):
    args = typing.get_args(annotation)
    return [a for a in (args or (annotation,)) if isinstance(a, type)]


def convert(annotation, value):
    for kind in candidates(annotation):
        if issubclass(kind, enum.Enum):
            return kind(value)
    return value


def body_of(annotation, call):
    kind = next(k for k in candidates(annotation) if hasattr(k, "from_dict"))
    if call["file"] is not None:
        payload = base64.b64decode(call["file"]["base64"])
        file = types_module.File(payload=io.BytesIO(payload), file_name=call["file"]["name"])
        return kind(file=file)
    return kind.from_dict(call["form"] if call["form"] is not None else call["json"])


def client():
    auth = calls["auth"]
    if "apikey" in auth:
        # The key is a query parameter the spec's security scheme names: httpx adds it.
        args = {"params": {"apikey": auth["apikey"]}}
    else:
        signer = Signer(auth["organization_id"], auth["security_key"],
                        clock=lambda: auth["timestamp_ms"])
        args = {"event_hooks": {"request": [signer.httpx_hook]}}
    # `AuthenticatedClient` for the secured operations; its bearer header is replaced by the
    # signature (LiveAgent: an empty token, never checked).
    return client_module.AuthenticatedClient(base_url=calls["base_url"], token="", prefix="",
                                             httpx_args=args)


def call_one(http, call):
    module = find_module(call["operation"])
    function = module.sync_detailed
    hints = typing.get_type_hints(function)
    kwargs = {}
    sent = {**call["path"], **call["query"], **call["header"]}
    names = {key(n): n for n in hints if n not in ("client", "return")}
    for name, value in sent.items():
        target = names.get(key(name)) or names.get(key(snake(name)))
        if target is None:
            return False, f"the client has no parameter for `{name}`"
        kwargs[target] = convert(hints[target], value)
    if "body" in hints and (call["form"] is not None or call["has_json"] or call["file"]):
        kwargs["body"] = body_of(hints["body"], call)
    response = function(client=http, **kwargs)
    if response.status_code != 200:
        return False, f"HTTP {int(response.status_code)}: {response.content[:300]!r}"
    parsed = response.parsed
    if parsed is None or type(parsed).__name__ == "ErrorEnvelope":
        return False, f"200 not parsed as the operation's response ({type(parsed).__name__})"
    return True, type(parsed).__name__


def main():
    http = client()
    report_each(calls, lambda call: call_one(http, call))


main()
