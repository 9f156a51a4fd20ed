"""Calls every operation of ``calls.json`` through a client that openapi-generator ``python``
generated (pydantic v2, urllib3), against ``mock-server``; prints one JSON line per operation.

Usage: ``python run_openapi_generator_python.py <dir holding the package> <package> <calls.json>``.
An operation passes when ``<operation>_with_http_info`` gets a 200 whose body pydantic
validates into the operation's model (a file's bytes for a download). LiveAgent's key is the
configuration's ``api_key``; Contiple calls are signed by ``helpers/contiple_signing.py``
wrapping urllib3's pool manager.
"""

import base64
import importlib
import inspect
import json
import pkgutil
import sys
import typing

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/helpers")
from contiple_signing import Signer  # noqa: E402
from run_calls import key, report_each, snake  # noqa: E402

name = sys.argv[2]
package = importlib.import_module(name)
calls = json.load(open(sys.argv[3], encoding="utf-8"))



def api_client():
    auth = calls["auth"]
    config = package.Configuration(host=calls["base_url"])
    if "apikey" in auth:
        config.api_key = {"apiKey": auth["apikey"]}
    client = package.ApiClient(config)
    if "organization_id" in auth:
        signer = Signer(auth["organization_id"], auth["security_key"],
                        clock=lambda: auth["timestamp_ms"])
        signer.install_urllib3(client.rest_client.pool_manager)
    return client


def find_method(client, operation: str):
    api = importlib.import_module(f"{name}.api")
    wanted = f"{snake(operation)}_with_http_info"
    for info in pkgutil.iter_modules(api.__path__):
        module = importlib.import_module(f"{api.__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and hasattr(cls, wanted):
                return getattr(cls(client), wanted)
    raise LookupError(f"no method {wanted}")


def model_of(annotation):
    """The pydantic model in a parameter's annotation (``Annotated[Model, Field(...)]``)."""
    if inspect.isclass(annotation) and hasattr(annotation, "from_dict"):
        return annotation
    for inner in typing.get_args(annotation):
        found = model_of(inner)
        if found is not None:
            return found
    return None


def model_param(signature, used):
    """The parameter taking a JSON body: the one left whose type is a pydantic model."""
    for param in signature.parameters.values():
        if param.name in used or param.name.startswith("_"):
            continue
        model = model_of(param.annotation)
        if model is not None:
            return param, model
    return None


def call_one(client, call):
    method = find_method(client, call["operation"])
    signature = inspect.signature(method)
    names = {key(n): n for n in signature.parameters if not n.startswith("_")}
    kwargs = {}
    fields = {**call["path"], **call["query"], **call["header"], **(call["form"] or {})}
    for field, value in fields.items():
        target = names.get(key(field)) or names.get(key(snake(field)))
        if target is None:
            return False, f"the client has no parameter for `{field}`"
        kwargs[target] = value
    if call["file"] is not None:
        kwargs[names["file"]] = (call["file"]["name"], base64.b64decode(call["file"]["base64"]))
    if call["has_json"]:
        found = model_param(signature, kwargs)
        if found is None:
            return False, "no parameter takes the JSON body"
        param, model = found
        kwargs[param.name] = model.from_dict(call["json"])
    response = method(**kwargs)
    if response.status_code != 200:
        return False, f"HTTP {response.status_code}: {response.raw_data[:300]!r}"
    if response.data is None:
        return False, "200 without a validated body"
    return True, type(response.data).__name__


def main():
    client = api_client()
    report_each(calls, lambda call: call_one(client, call))


main()
