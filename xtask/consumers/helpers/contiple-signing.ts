// Contiple request signing for TypeScript clients on Node (openapi-fetch, or any `fetch`).
//
// A signed Contiple call carries `Authorization: Base64(HmacSHA256(security key, message))` and
// `X-TC-Timestamp` (epoch milliseconds, valid for 5 minutes). The message is, without
// separators: the organization id; the request path exactly as sent (with `/{serviceId}`, still
// percent-encoded, no query); then for a multipart upload the hex MD5 of the file, otherwise the
// decoded query values sorted by parameter name (case-sensitive, first value of a repeated name)
// joined with `&`, followed, when a body is sent, by `&` (only if there were parameters) and the
// body text exactly as sent; and finally the timestamp.
//
// Usage with openapi-fetch:
//
//   const client = createClient<paths>({ baseUrl: `${host}/${serviceId}` });
//   client.use(signingMiddleware({ organizationId, securityKey }));
import { createHash, createHmac } from "node:crypto";

/** The message signed for a request that is not a multipart upload. */
export function signingMessage(
  organizationId: string,
  path: string,
  query: Iterable<[string, string]>,
  body: string | null,
  timestampMs: number,
): string {
  const first = new Map<string, string>();
  for (const [name, value] of query) if (!first.has(name)) first.set(name, value);
  // Case-sensitive order by UTF-16 code unit, as Java's TreeMap<String, ...> sorts.
  const names = [...first.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const values = names.map((name) => first.get(name) as string);
  let message = organizationId + path + values.join("&");
  if (body !== null) message += (values.length > 0 ? "&" : "") + body;
  return message + String(timestampMs);
}

/** The message signed for a multipart upload: the file's hex MD5 instead of query and body. */
export function uploadSigningMessage(
  organizationId: string,
  path: string,
  file: Uint8Array,
  timestampMs: number,
): string {
  return organizationId + path + createHash("md5").update(file).digest("hex") + String(timestampMs);
}

/** `Base64(HmacSHA256(key, message))`, key and message UTF-8. */
export function signature(securityKey: string, message: string): string {
  return createHmac("sha256", securityKey).update(message, "utf8").digest("base64");
}

/** The bytes of the `file` part of a multipart/form-data body. */
export function multipartFile(contentType: string, body: Uint8Array): Uint8Array {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) throw new Error("multipart content type without boundary");
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const data = Buffer.from(body);
  let at = data.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    const next = data.indexOf(delimiter, start);
    if (next < 0) break;
    const part = data.subarray(start, next);
    const split = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, split).toString("utf8");
    if (split >= 0 && /name="file"/.test(head)) {
      let content = part.subarray(split + 4);
      if (content.subarray(content.length - 2).toString() === "\r\n") content = content.subarray(0, content.length - 2);
      return new Uint8Array(content);
    }
    at = next;
  }
  throw new Error("multipart body without a `file` part");
}

/** The credentials a request is signed with, and a clock (epoch milliseconds). */
export interface SigningKey {
  organizationId: string;
  securityKey: string;
  clock?: () => number;
}

/** Signs a `Request` as it will be sent: returns it with `Authorization` and `X-TC-Timestamp`. */
export async function signRequest(key: SigningKey, request: Request): Promise<Request> {
  const url = new URL(request.url);
  const timestamp = (key.clock ?? Date.now)();
  const contentType = request.headers.get("content-type") ?? "";
  const bytes = request.body ? new Uint8Array(await request.clone().arrayBuffer()) : null;
  const message = contentType.startsWith("multipart/form-data")
    ? uploadSigningMessage(key.organizationId, url.pathname, multipartFile(contentType, bytes ?? new Uint8Array()), timestamp)
    : signingMessage(
        key.organizationId,
        url.pathname,
        url.searchParams.entries(),
        bytes && bytes.length > 0 ? new TextDecoder().decode(bytes) : null,
        timestamp,
      );
  request.headers.set("Authorization", signature(key.securityKey, message));
  request.headers.set("X-TC-Timestamp", String(timestamp));
  return request;
}

/** An openapi-fetch middleware that signs every request. */
export function signingMiddleware(key: SigningKey) {
  return {
    async onRequest({ request }: { request: Request }): Promise<Request> {
      return signRequest(key, request);
    },
  };
}

/** The vectors of `signing-vectors.json`, in the shape the helpers are checked with. */
export interface SigningVectors {
  messages: { organization_id: string; path: string; query: [string, string][]; body: string | null; timestamp_ms: number; message: string }[];
  uploads: { organization_id: string; path: string; file_base64: string; timestamp_ms: number; message: string }[];
  signatures: { key: string; message: string; signature: string }[];
}

/** Checks the helper against the vectors; returns how many passed, throws on the first failure. */
export function checkVectors(vectors: SigningVectors): number {
  let count = 0;
  const expect = (got: string, want: string) => {
    if (got !== want) throw new Error(`signing vector: got ${got}, want ${want}`);
    count += 1;
  };
  for (const v of vectors.messages)
    expect(signingMessage(v.organization_id, v.path, v.query, v.body, v.timestamp_ms), v.message);
  for (const v of vectors.uploads)
    expect(uploadSigningMessage(v.organization_id, v.path, Buffer.from(v.file_base64, "base64"), v.timestamp_ms), v.message);
  for (const v of vectors.signatures) expect(signature(v.key, v.message), v.signature);
  return count;
}
