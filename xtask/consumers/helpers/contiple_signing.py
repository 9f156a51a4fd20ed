"""Contiple request signing for Python clients (httpx, urllib3), standard library only.

A signed Contiple call carries ``Authorization: Base64(HmacSHA256(security key, message))``
and ``X-TC-Timestamp`` (epoch milliseconds, valid for 5 minutes). The message is, without
separators: the organization id; the request path exactly as sent (with ``/{serviceId}``,
still percent-encoded, no query); then for a multipart upload the hex MD5 of the file,
otherwise the decoded query values sorted by parameter name (case-sensitive, first value of a
repeated name) joined with ``&``, followed, when a body is sent, by ``&`` (only if there were
parameters) and the body text exactly as sent; and finally the timestamp.

Usage with openapi-python-client (httpx)::

    signer = Signer(organization_id, security_key)
    client = AuthenticatedClient(base_url=f"{host}/{service_id}", token="", prefix="",
                                 httpx_args={"event_hooks": {"request": [signer.httpx_hook]}})

Usage with openapi-generator ``python`` (urllib3)::

    api_client = ApiClient(Configuration(host=f"{host}/{service_id}"))
    signer.install_urllib3(api_client.rest_client.pool_manager)
"""

from __future__ import annotations

import base64
import email.parser
import hashlib
import hmac
import time
from typing import Callable, Iterable
from urllib.parse import parse_qsl, urlsplit


def signing_message(organization_id: str, path: str, query: Iterable[tuple[str, str]],
                    body: str | None, timestamp_ms: int) -> str:
    """The message signed for a request that is not a multipart upload."""
    first: dict[str, str] = {}
    for name, value in query:
        first.setdefault(name, value)
    # Case-sensitive order: by code point, as Java's TreeMap<String, ...> sorts.
    values = [first[name] for name in sorted(first)]
    message = organization_id + path + "&".join(values)
    if body is not None:
        if values:
            message += "&"
        message += body
    return message + str(timestamp_ms)


def upload_signing_message(organization_id: str, path: str, file: bytes, timestamp_ms: int) -> str:
    """The message signed for a multipart upload: the file's hex MD5 instead of query and body."""
    return organization_id + path + hashlib.md5(file).hexdigest() + str(timestamp_ms)


def signature(security_key: str, message: str) -> str:
    """``Base64(HmacSHA256(key, message))``, key and message UTF-8."""
    digest = hmac.new(security_key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def multipart_file(content_type: str, body: bytes) -> bytes:
    """The bytes of the ``file`` part of a multipart/form-data body."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser().parsebytes(head + body)
    for part in message.get_payload():
        if part.get_param("name", header="content-disposition") == "file":
            return part.get_payload(decode=True) or b""
    raise ValueError("multipart body without a `file` part")


class Signer:
    """Signs requests with one organization id and security key, at ``clock()`` (epoch ms)."""

    def __init__(self, organization_id: str, security_key: str,
                 clock: Callable[[], int] = lambda: int(time.time() * 1000)):
        self.organization_id = organization_id
        self.security_key = security_key
        self.clock = clock

    def headers(self, url: str, content_type: str | None, body: bytes | None) -> dict[str, str]:
        """The ``Authorization`` and ``X-TC-Timestamp`` headers of a request as it is sent."""
        parts = urlsplit(url)
        timestamp = self.clock()
        if content_type and content_type.startswith("multipart/form-data"):
            message = upload_signing_message(self.organization_id, parts.path,
                                             multipart_file(content_type, body or b""), timestamp)
        else:
            query = parse_qsl(parts.query, keep_blank_values=True)
            text = body.decode() if body else None
            message = signing_message(self.organization_id, parts.path, query, text, timestamp)
        return {"Authorization": signature(self.security_key, message),
                "X-TC-Timestamp": str(timestamp)}

    def httpx_hook(self, request) -> None:
        """An httpx ``request`` event hook (openapi-python-client: ``httpx_args``)."""
        body = request.read() or None
        signed = self.headers(str(request.url), request.headers.get("content-type"), body)
        request.headers.update(signed)

    def install_urllib3(self, pool_manager) -> None:
        """Signs every request of a urllib3 ``PoolManager`` (openapi-generator ``python``:
        ``api_client.rest_client.pool_manager``), after urllib3 has encoded the body."""
        urlopen = pool_manager.urlopen

        def signed_urlopen(method, url, redirect=True, **kw):
            headers = dict(kw.get("headers") or {})
            body = kw.get("body")
            if isinstance(body, str):
                body = body.encode()
            content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
            headers.update(self.headers(url, content_type, body))
            kw["headers"] = headers
            return urlopen(method, url, redirect=redirect, **kw)

        pool_manager.urlopen = signed_urlopen


def _check_vectors(path: str) -> int:
    """Checks the helper against ``signing-vectors.json``; returns how many vectors passed."""
    import json
    vectors = json.load(open(path, encoding="utf-8"))
    count = 0
    for v in vectors["messages"]:
        got = signing_message(v["organization_id"], v["path"], [tuple(q) for q in v["query"]],
                              v["body"], v["timestamp_ms"])
        assert got == v["message"], (got, v["message"])
        count += 1
    for v in vectors["uploads"]:
        got = upload_signing_message(v["organization_id"], v["path"],
                                     base64.b64decode(v["file_base64"]), v["timestamp_ms"])
        assert got == v["message"], (got, v["message"])
        count += 1
    for v in vectors["signatures"]:
        got = signature(v["key"], v["message"])
        assert got == v["signature"], (got, v["signature"])
        count += 1
    return count


if __name__ == "__main__":
    import sys
    print(f"{_check_vectors(sys.argv[1])} signing vectors pass")
