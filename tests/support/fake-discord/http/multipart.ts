/** One part of a multipart/form-data body. */
export interface MultipartPart {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** The boundary from a `multipart/form-data; boundary=…` header, or undefined if there is none. */
export function multipartBoundary(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** Parameters of a Content-Disposition header: `form-data; name="files[0]"; filename="a.png"`. */
function dispositionParams(header: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const match of header.matchAll(/;\s*([^=;\s]+)=(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g)) {
    const [, key, quoted, bare] = match;
    if (key === undefined) continue;
    const value = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '').trim();
    params.set(key.toLowerCase(), value);
  }
  // RFC 5987 `filename*=UTF-8''…` wins over the plain one when a client sends both.
  const extended = params.get('filename*');
  if (extended !== undefined) {
    const encoded = extended.replace(/^[^']*'[^']*'/, '');
    params.set('filename', decodeURIComponent(encoded));
  }
  return params;
}

function partHeaders(raw: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of raw.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * Splits a multipart/form-data body into parts, keeping file bytes exact. Throws on a body that
 * does not follow RFC 7578, which the server turns into a 400 like Discord's.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let cursor = body.indexOf(delimiter);
  if (cursor === -1) throw new Error('multipart body has no boundary line');

  while (true) {
    cursor += delimiter.length;
    // `--boundary--` closes the body.
    if (body.subarray(cursor, cursor + 2).toString() === '--') return parts;
    if (!body.subarray(cursor, cursor + 2).equals(CRLF)) throw new Error('boundary is not followed by CRLF');
    cursor += 2;

    const headerEnd = body.indexOf(HEADER_END, cursor);
    if (headerEnd === -1) throw new Error('part headers never end');
    const headers = partHeaders(body.subarray(cursor, headerEnd).toString('utf8'));
    const dataStart = headerEnd + HEADER_END.length;
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), dataStart);
    if (next === -1) throw new Error('part is not closed by a boundary');

    const params = dispositionParams(headers.get('content-disposition') ?? '');
    const name = params.get('name');
    if (name === undefined) throw new Error('part has no Content-Disposition name');
    const filename = params.get('filename');
    const contentType = headers.get('content-type');
    parts.push({
      name,
      ...(filename !== undefined ? { filename } : {}),
      ...(contentType !== undefined ? { contentType } : {}),
      data: Buffer.from(body.subarray(dataStart, next)),
    });
    cursor = next + CRLF.length;
  }
}
