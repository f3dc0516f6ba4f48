import { filler, summarize, warmupThenMeasure } from "../lib/driver.ts";
import { CpuMeter } from "../lib/cpu.ts";
import { conversationReceiver as classifyReceiver, conversationSender as classifySender } from "../lib/frames.ts";
import { log } from "../lib/log.ts";
import { Api, mapLimit } from "../lib/provision.ts";
import { closeRooms, conversationRooms } from "../lib/rooms.ts";
import type { Section } from "./types.ts";

/**
 * hotpath: N conversations, each with one customer (widget visitor) socket and one agent socket;
 * customers send, latency = customer send -> agent receives the fanned-out (already persisted) message.
 * Checks that every message reached the agent exactly once, was acked, and is in the conversation log.
 */
export const hotpath: Section = {
  name: "hotpath",
  needs: ["main"],
  async run(ctx) {
    const main = ctx.main!;
    const { args } = ctx;
    const api = new Api(main.url);
    const { agentToken, conversations, rooms } = await conversationRooms(api, main.adminToken, "hotpath", ctx.runId, args.clients);

    const cpu = new CpuMeter(main.pgid ? [main.pgid] : []);
    try {
      const m = await warmupThenMeasure(
        "hotpath",
        rooms,
        { runId: ctx.runId, warmup: args.warmup, messages: args.messages, window: args.window, text: filler(args.textBytes), classifyReceiver, classifySender, expectAck: true, stallMs: args.stallMs },
        log,
        () => cpu.reset(),
      );
      const usage = cpu.read(m.measured.received);

      // Durability: each conversation's log holds exactly what was sent (the snapshot's last_seq is the log's tail).
      const expected = (m.warmup ? m.warmup.messages / rooms.length : 0) + m.measured.messages / rooms.length;
      const lastSeqs = await mapLimit(conversations, 5, async (id) => (await api.conversation(agentToken, id)).last_seq);
      const persistedMismatch = lastSeqs.filter((s) => s !== expected).length;
      if (persistedMismatch) log(`hotpath: ${persistedMismatch} conversations have last_seq != ${expected}: ${lastSeqs.join(",")}`);

      const p = m.measured;
      const w = m.warmup;
      return {
        ...summarize(m),
        ack_p50_ms: p.ack_latency.p50_ms,
        ack_p99_ms: p.ack_latency.p99_ms,
        unacked: p.unacked + (w?.unacked ?? 0),
        ack_duplicated: p.ack_duplicated + (w?.ack_duplicated ?? 0),
        seq_gaps: p.seq_gaps + (w?.seq_gaps ?? 0),
        persisted_mismatch: persistedMismatch,
        ...usage,
      };
    } finally {
      await closeRooms(rooms);
    }
  },
};
