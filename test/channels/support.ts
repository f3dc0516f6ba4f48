/** Request builders and ChannelError assertions the channel tests share. */
import { expect } from "vitest";
import { ChannelError } from "../../workers/channels/adapter";
import type { InboundRequest } from "../../workers/channels/adapter";

/** A test signer (test/signers/*): the headers the provider would send with this body. */
export type Signer<C> = (body: string, config: C, url: string, nowMs: number) => Record<string, string>;

/**
 * The channel's webhook requests: a string body is signed as the provider would sign it unless headers are
 * given; raw bytes go unsigned.
 */
export function webhookRequests<C>(sign: Signer<C>, config: C, hook: string, nowMs: number) {
  return (body: string | Uint8Array, headers?: Record<string, string>, method = "POST", url = hook): InboundRequest => {
    const rawBody = typeof body === "string" ? new TextEncoder().encode(body) : body;
    return { method, url, headers: new Headers(headers ?? (typeof body === "string" ? sign(body, config, url, nowMs) : {})), rawBody };
  };
}

/** "ok", or the status of the ChannelError it failed with; any other error fails the test. */
export async function statusOf(p: Promise<unknown>): Promise<number | "ok"> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof ChannelError) return e.status;
    throw e;
  }
}

/** Expects a ChannelError with this status (and message, if given) and returns it. */
export async function rejects(p: Promise<unknown>, status: number, message?: string): Promise<ChannelError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ChannelError);
  expect((e as ChannelError).status).toBe(status);
  if (message) expect((e as ChannelError).message).toBe(message);
  return e as ChannelError;
}
