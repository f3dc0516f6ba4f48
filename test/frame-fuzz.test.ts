import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { call, Client, DeskClient, ok, tenant, visitor } from "./helpers";
import { ErrorCode, MAX_FRAME_BYTES } from "../shared/protocol";

/**
 * Both sockets under random, truncated, oversized and hostile frames: the socket stays open and answers in order
 * (a ping after the batch gets its pong), every error carries a documented code and none is `internal`, and what
 * was stored keeps a gapless seq. Batches stay under the frame burst (40) so rate limiting is not what is tested.
 * `npm run fuzz` raises the number of batches with FUZZ_RUNS.
 */
const BATCHES = Math.min(Number(env.FUZZ_RUNS) || 4, 40);
const BATCH = 30;

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const edge = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES, "", "\u0000", "\ud800", "\u202e", "🧪".repeat(30), "x".repeat(3000), "1e999"),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.integer(),
  fc.constantFrom(Number.MAX_VALUE, -1, 2 ** 53 + 1, 0.5, Number.MIN_VALUE),
  fc.boolean(),
  fc.constant(null),
);
const part = fc.oneof(
  fc.record({ type: fc.constant("text"), text: fc.oneof(fc.string({ minLength: 1, maxLength: 50 }), edge) }),
  fc.record({ type: fc.constantFrom("image", "file", "card", "quick_replies", "__proto__"), url: edge, text: edge }, { requiredKeys: ["type"] }),
  fc.dictionary(fc.constantFrom("type", "__proto__", "constructor", "text"), edge),
);
const frameObject = (types: string[]) =>
  fc.oneof(
    fc.record(
      {
        type: fc.oneof(fc.constantFrom(...types), edge),
        client_msg_id: fc.oneof(fc.uuid(), edge),
        parts: fc.oneof(fc.array(part, { maxLength: 25 }), edge),
        metadata: fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom("__proto__", "constructor"), fc.string({ maxLength: 8 })), edge), edge),
        seq: edge,
        on: edge,
        message_id: edge,
        emoji: edge,
        status: fc.oneof(fc.constantFrom("available", "away", "offline", "busy"), edge),
        offer_id: edge,
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.string({ maxLength: 10 }), edge),
  );
const frame = (types: string[]) =>
  fc.oneof(
    frameObject(types).map((f) => JSON.stringify(f)),
    frameObject(types).map((f) => JSON.stringify(f).slice(0, -2)),
    fc.constantFrom("", "{", "[]", "null", "42", '"text"', "not json", '{"type":"message","__proto__":{"polluted":1}}', JSON.stringify({ type: "message", x: "y".repeat(MAX_FRAME_BYTES + 10) })),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? "null"),
  );

describe("socket frames under hostile input", () => {
  it("the conversation socket answers every frame in order and keeps seq gapless", { timeout: 300_000 }, async () => {
    const t = await tenant();
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(frame(["message", "typing", "read", "ping", "edit", "retract", "react"]), { minLength: BATCH, maxLength: BATCH }), async (frames) => {
        const v = await visitor(t.id);
        const c = await Client.open(v.conversationId, v.token);
        await c.next("welcome");
        for (const f of frames) c.send(f);
        c.send({ type: "ping" });
        await c.next("pong");
        const errors = c.frames.filter((f) => f.type === "error") as { code: string }[];
        refused += errors.length;
        for (const e of errors) expect(ErrorCode.options).toContain(e.code);
        expect(errors.filter((e) => e.code === "internal")).toEqual([]);
        c.send({ type: "message", client_msg_id: crypto.randomUUID(), parts: [{ type: "text", text: "still here" }] });
        await c.next("ack");
        const { data } = await ok<{ data: { seq: number }[] }>(call(`/v1/conversations/${v.conversationId}/messages?limit=100`, { auth: t.key }));
        const seqs = data.map((m) => m.seq).sort((a, b) => a - b);
        expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
        expect(Object.getPrototypeOf({})).toBe(Object.prototype);
        c.ws.close();
      }),
      { numRuns: BATCHES },
    );
    // The junk was answered, not silently dropped.
    expect(refused).toBeGreaterThan(BATCHES * 5);
  });

  it("the desk socket answers every frame in order with a pong after the batch", { timeout: 300_000 }, async () => {
    const t = await tenant();
    await fc.assert(
      fc.asyncProperty(fc.array(frame(["status", "accept", "reject", "ping"]), { minLength: BATCH, maxLength: BATCH }), async (frames) => {
        const d = await DeskClient.open(t.agentToken);
        for (const f of frames) d.ws.send(f);
        d.send({ type: "ping" });
        await d.next("pong");
        d.send({ type: "status", status: "available" });
        d.send({ type: "ping" });
        await d.next("pong");
        d.ws.close();
      }),
      { numRuns: BATCHES },
    );
  });
});
