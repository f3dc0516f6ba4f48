import { Socket, filler, summarize, warmupThenMeasure, type Classify, type Room } from "../lib/driver.ts";
import { CpuMeter } from "../lib/cpu.ts";
import { log } from "../lib/log.ts";
import { Api, mapLimit } from "../lib/provision.ts";
import type { Section } from "./types.ts";

type ServerFrame = {
  type?: string;
  client_msg_id?: string;
  code?: string;
  message?: { client_msg_id?: string; seq?: number } | string;
};

/** Agent socket: the fanned-out `message` frame, matched by client_msg_id; seq checked for gaps. */
const classifyReceiver: Classify = (text) => {
  const f = JSON.parse(text) as ServerFrame;
  if (f.type === "message" && typeof f.message === "object" && typeof f.message.client_msg_id === "string") {
    return { kind: "message", cmid: f.message.client_msg_id, ...(typeof f.message.seq === "number" ? { seq: f.message.seq } : {}) };
  }
  if (f.type === "error") return { kind: "error", detail: `${f.code}: ${String(f.message)}` };
  return { kind: "other" };
};

/** Customer socket: the `ack` for each message (its own `message` echo, presence etc. are ignored). */
const classifySender: Classify = (text) => {
  const f = JSON.parse(text) as ServerFrame;
  if (f.type === "ack" && typeof f.client_msg_id === "string") return { kind: "ack", cmid: f.client_msg_id };
  if (f.type === "error") return { kind: "error", detail: `${f.code}: ${String(f.message)}` };
  return { kind: "other" };
};

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

    log(`hotpath: provisioning a tenant, an agent and ${args.clients} widget conversations`);
    const tenant = await api.createTenant(main.adminToken, `bench ${ctx.runId}`);
    const agent = await api.createAgent(tenant.api_key, "Bench Agent", `bench-${ctx.runId}@example.com`);
    const { token: agentToken } = await api.agentToken(tenant.api_key, agent.id);
    const convs = await mapLimit(Array.from({ length: args.clients }, (_, i) => i), 5, async (i) => {
      const session = await api.widgetSession(tenant.id, `Bench Visitor ${i}`);
      const conv = await api.widgetConversation(session.token);
      return { id: conv.id, visitorToken: session.token };
    });

    log(`hotpath: opening ${args.clients * 2} sockets`);
    const rooms: Room[] = await mapLimit(convs, 10, async (c, i) => {
      const base = api.wsUrl(`/v1/conversations/${c.id}/ws?last_seq=0&token=`);
      const receiver = await Socket.open(base + encodeURIComponent(agentToken), `hotpath[${i}].agent`);
      const sender = await Socket.open(base + encodeURIComponent(c.visitorToken), `hotpath[${i}].customer`);
      return { sender, receiver, lastSeq: null };
    });

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
      const lastSeqs = await mapLimit(convs, 5, async (c) => (await api.conversation(agentToken, c.id)).last_seq);
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
      await Promise.all(rooms.flatMap((r) => [r.sender.close(), r.receiver.close()]));
    }
  },
};
