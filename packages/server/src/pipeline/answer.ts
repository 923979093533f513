import type { SerializedJson } from '@sigbox/api';

/** An answer as the pipeline sends it; handlers produce the typed form (`OperationAnswer` of @sigbox/api). */
export interface Answer {
  readonly status: number;
  /**
   * undefined: no body; a string: text (`contentType`, default text/plain, with `charset=utf-8` added as Express
   * did); bytes: sent as they are (`contentType`, default application/octet-stream); {@link serializedJson}:
   * JSON bytes; anything else: JSON.
   */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly contentType?: string;
}

/** The Content-Type of every JSON answer (what clients have always been sent). */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';
const BYTES_CONTENT_TYPE = 'application/octet-stream';

class SerializedJsonBody<T> implements SerializedJson<T> {
  constructor(readonly serializedJson: Uint8Array) {}
}

/**
 * JSON bytes a handler serialized itself (a hot read keeps an entry's JSON as bytes and writes only its proof):
 * sent as `application/json`, typed as the value they encode.
 */
export function serializedJson<T>(bytes: Uint8Array): SerializedJson<T> {
  return new SerializedJsonBody<T>(bytes);
}

/** An answer as bytes on the wire. */
export interface EncodedAnswer {
  readonly status: number;
  /** Undefined when the answer has no body. */
  readonly contentType: string | undefined;
  readonly body: Uint8Array;
  readonly headers: Readonly<Record<string, string>> | undefined;
}

const EMPTY = new Uint8Array(0);

function withCharset(contentType: string): string {
  return /;\s*charset=/i.test(contentType) ? contentType : `${contentType}; charset=utf-8`;
}

/** Serializes an answer's body and decides its Content-Type. */
export function encodeAnswer(answer: Answer): EncodedAnswer {
  const { status, body, headers } = answer;
  if (body === undefined) return { status, contentType: undefined, body: EMPTY, headers };
  if (typeof body === 'string') return { status, contentType: answer.contentType === undefined ? TEXT_CONTENT_TYPE : withCharset(answer.contentType), body: Buffer.from(body), headers };
  if (body instanceof Uint8Array) return { status, contentType: answer.contentType ?? BYTES_CONTENT_TYPE, body, headers };
  if (body instanceof SerializedJsonBody) return { status, contentType: JSON_CONTENT_TYPE, body: body.serializedJson, headers };
  return { status, contentType: JSON_CONTENT_TYPE, body: Buffer.from(JSON.stringify(body)), headers };
}
