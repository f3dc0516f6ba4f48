/**
 * What Durable Object RPC methods return instead of throwing, because custom error classes do not survive RPC.
 * The gateway turns a failure into problem+json (workers/http/problem.ts `unwrap`).
 */
export type Result<T> = { ok: true; value: T } | { ok: false; status: 400 | 403 | 404 | 409 | 422; title: string; detail?: string };
