import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Client, DeskClient, ok, call, tenant, text, visitor } from "./helpers";
import { FRAME_LIMIT, admit, frameLimitFrom, type Bucket, type FrameLimit } from "../shared/frame-limit";
import { MAX_DESK_FRAME_BYTES } from "../shared/desk-protocol";

/** Runs frames arriving after the given gaps (ms) through one bucket. */
function run(gaps: number[], limit: FrameLimit = FRAME_LIMIT) {
  let bucket: Bucket | undefined;
  let t = 0;
  const verdicts = gaps.map((gap) => {
    t += gap;
    const r = admit(bucket, limit, t);
    bucket = r.bucket;
    return r.verdict;
  });
  return { verdicts, span: t - (gaps[0] ?? 0) };
}

describe("the frame token bucket", () => {
  const gaps = fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 600 });

  it("never passes more than the burst plus the rate over the time the frames span", () => {
    fc.assert(
      fc.property(gaps, (g) => {
        const { verdicts, span } = run(g);
        const passed = verdicts.filter((v) => v === "pass").length;
        expect(passed).toBeLessThanOrEqual(FRAME_LIMIT.burst + Math.floor((span * FRAME_LIMIT.ratePerS) / 1000));
      }),
    );
  });

  it("a client within the rate is never refused, whatever burst it started with", () => {
    const interval = 1000 / FRAME_LIMIT.ratePerS;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: FRAME_LIMIT.burst }), fc.array(fc.integer({ min: Math.ceil(interval), max: 1000 }), { maxLength: 300 }), (burst, paced) => {
        expect(run([...Array<number>(burst).fill(0), ...paced]).verdicts.every((v) => v === "pass")).toBe(true);
      }),
    );
  });

  it("closes only after closeAfter refusals; a flood without pause is closed at exactly that many", () => {
    fc.assert(
      fc.property(gaps, (g) => {
        const { verdicts } = run(g);
        const firstClose = verdicts.indexOf("close");
        const refusedBefore = verdicts.slice(0, firstClose === -1 ? undefined : firstClose + 1).filter((v) => v !== "pass").length;
        if (firstClose !== -1) expect(refusedBefore).toBeGreaterThanOrEqual(FRAME_LIMIT.closeAfter);
      }),
    );
    const flood = run(Array<number>(FRAME_LIMIT.burst + FRAME_LIMIT.closeAfter).fill(0)).verdicts;
    expect(flood.filter((v) => v === "pass")).toHaveLength(FRAME_LIMIT.burst);
    expect(flood.at(-1)).toBe("close");
    expect(flood.at(-2)).toBe("refuse");
  });
});

describe("WS_FRAME_LIMIT", () => {
  it("sets rate and burst; anything malformed keeps the default", () => {
    expect(frameLimitFrom("100/300")).toEqual({ ...FRAME_LIMIT, ratePerS: 100, burst: 300 });
    for (const bad of [undefined, "", "off", "0/40", "20", "20/40/1", "-1/5", 20]) expect(frameLimitFrom(bad)).toEqual(FRAME_LIMIT);
  });
});

describe("frame limits on sockets", () => {
  it("a flooding conversation socket gets rate_limited errors, then is closed with 1008; the other participant is unaffected", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const flooder = await Client.open(v.conversationId, v.token);
    const agent = await Client.open(v.conversationId, t.agentToken);
    await flooder.next("welcome");
    await agent.next("welcome");
    for (let i = 0; i < 2 * (FRAME_LIMIT.burst + FRAME_LIMIT.closeAfter); i++) flooder.send({ type: "ping" });
    expect((await flooder.closed.promise).code).toBe(1008);
    const errors = flooder.of("error");
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.code === "rate_limited")).toBe(true);
    expect(flooder.of("pong").length).toBeLessThan(2 * FRAME_LIMIT.burst);

    const id = crypto.randomUUID();
    agent.send({ type: "message", client_msg_id: id, parts: text("still here") });
    expect((await agent.next("ack")).client_msg_id).toBe(id);
    agent.send({ type: "ping" });
    await agent.next("pong");
    expect(agent.of("error")).toEqual([]);
    const history = await ok<{ data: unknown[] }>(call(`/v1/conversations/${v.conversationId}/messages`, { auth: t.key }));
    expect(history.data).toHaveLength(1);
  });

  it("the desk socket refuses oversized frames and floods the same way", async () => {
    const t = await tenant();
    const desk = await DeskClient.open(t.agentToken);
    await desk.next("hello");
    const closed = new Promise<number>((resolve) => desk.ws.addEventListener("close", (e) => resolve(e.code)));
    desk.send({ type: "status", status: "available", padding: "x".repeat(MAX_DESK_FRAME_BYTES) });
    expect(await desk.next("error")).toMatchObject({ code: "too_large" });
    for (let i = 0; i < 2 * (FRAME_LIMIT.burst + FRAME_LIMIT.closeAfter); i++) desk.send({ type: "ping" });
    await desk.next("error", (f) => f.code === "rate_limited");
    expect(await closed).toBe(1008);
  });
});
