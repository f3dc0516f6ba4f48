import { CpuMeter } from "../lib/cpu.ts";
import { filler } from "../lib/driver.ts";
import { conversationReceiver, conversationSender, floorReceiver, floorSender } from "../lib/frames.ts";
import { log } from "../lib/log.ts";
import { Api, mapLimit } from "../lib/provision.ts";
import { closeRooms, conversationRooms, floorRooms } from "../lib/rooms.ts";
import { openLoopRooms, type OpenLoopResult } from "../lib/ws-open-loop.ts";
import type { BenchContext, Section } from "./types.ts";

/**
 * hotpath_open: the hot path under open-loop load. hotpath keeps one message in flight per socket, so frames
 * never queue up inside a conversation; real customers do not wait for the ack before they type again. For
 * each --open-rates rate (messages/s over all conversations), a fresh tenant, agent and --clients conversations
 * (as hotpath provisions them) get rate × --open-seconds customer messages on a fixed schedule
 * (lib/ws-open-loop.ts). Latency: scheduled send -> ack on the customer socket. Afterwards both ends are
 * checked against what was sent: each conversation's stored log (GET /v1/conversations/:id/messages) and
 * what the agent socket received. The same schedule then runs against the floor relay, as the reference.
 */

type StoredLog = Awaited<ReturnType<Api["messages"]>>;

/** Per message: acked, stored exactly once, delivered exactly once; per conversation: seqs 1..last_seq all present at both ends. */
function bothEnds(run: OpenLoopResult, logs: StoredLog[]) {
  const R = logs.length;
  const index = new Map(run.cmids.map((c, i) => [c, i]));
  const stored = new Uint32Array(run.cmids.length);
  let foreignStored = 0;
  let gapsStored = 0;
  let gapsDelivered = 0;
  let seqGaps = 0;
  let outOfOrder = 0;
  logs.forEach((l, r) => {
    const storedSeqs = new Set<number>();
    let top = l.last_seq;
    for (const m of l.messages) {
      storedSeqs.add(m.seq);
      top = Math.max(top, m.seq);
      const i = index.get(m.client_msg_id);
      if (i === undefined || i % R !== r) foreignStored++;
      else stored[i] = stored[i]! + 1;
    }
    // The agent gets every message of the conversation in seq order, other senders' (desk notices) included.
    const seen = new Set<number>();
    let highest = 0;
    for (const s of run.receivedSeqs[r]!) {
      if (s < highest && !seen.has(s)) outOfOrder++;
      seen.add(s);
      highest = Math.max(highest, s);
    }
    top = Math.max(top, highest);
    // A seq missing from the log (taken but not stored) is usually missing at the agent too: it counts once in seq_gaps.
    for (let s = 1; s <= top; s++) {
      const notStored = !storedSeqs.has(s);
      const notSeen = !seen.has(s);
      if (notStored) gapsStored++;
      if (notSeen) gapsDelivered++;
      if (notStored || notSeen) seqGaps++;
    }
  });
  let unacked = 0;
  let ackedNotStored = 0;
  let lost = 0;
  let duplicated = 0;
  let ackDuplicated = 0;
  for (let i = 0; i < run.cmids.length; i++) {
    const acks = run.acks[i]!;
    const copies = stored[i]!;
    if (acks === 0) unacked++;
    else if (copies === 0) ackedNotStored++;
    if (acks === 0 || copies === 0) lost++;
    if (copies > 1 || run.deliveries[i]! > 1) duplicated++;
    if (acks > 1) ackDuplicated += acks - 1;
  }
  return {
    lost,
    duplicated,
    seq_gaps: seqGaps,
    unacked,
    acked_not_stored: ackedNotStored,
    ack_duplicated: ackDuplicated,
    seq_gaps_stored: gapsStored,
    seq_gaps_delivered: gapsDelivered,
    out_of_order: outOfOrder,
    foreign_stored: foreignStored,
  };
}

async function edgedeskAt(ctx: BenchContext, rate: number) {
  const main = ctx.main!;
  const { args } = ctx;
  const api = new Api(main.url);
  const label = `hotpath_open@${rate}`;
  const { agentToken, conversations, rooms } = await conversationRooms(api, main.adminToken, label, `${ctx.runId}-o${rate}`, args.clients);
  const cpu = new CpuMeter(main.pgid ? [main.pgid] : []);
  try {
    const messages = rate * args.openSeconds;
    log(`${label}: ${messages} messages at ${rate}/s over ${rooms.length} conversations`);
    const run = await openLoopRooms(rooms, {
      tag: `${ctx.runId}o${rate}`,
      rate,
      messages,
      text: filler(args.textBytes),
      classifySender: conversationSender,
      classifyReceiver: conversationReceiver,
      expectAck: true,
      stallMs: args.stallMs,
      beforeSchedule: () => cpu.reset(),
    });
    // Read before the log reads below, which cost the server CPU too.
    const usage = cpu.read(run.completed);
    const logs = await mapLimit(conversations, 5, (id) => api.messages(agentToken, id));
    const check = bothEnds(run, logs);
    const errors = run.error_frames + run.failed_sends;
    log(
      `${label}: ${run.msgs_per_s} msgs/s, p50 ${run.latency.p50_ms} ms, p99 ${run.latency.p99_ms} ms, ` +
        `lost ${check.lost}, dup ${check.duplicated}, seq gaps ${check.seq_gaps}, errors ${errors}${run.stalled ? " (STALLED)" : ""}`,
    );
    for (const e of run.first_errors) log(`${label}: ${e}`);
    return {
      rate,
      messages,
      msgs_per_s: run.msgs_per_s,
      p50_ms: run.latency.p50_ms,
      p99_ms: run.latency.p99_ms,
      lost: check.lost,
      duplicated: check.duplicated,
      seq_gaps: check.seq_gaps,
      errors,
      p90_ms: run.latency.p90_ms,
      p999_ms: run.latency.p999_ms,
      max_ms: run.latency.max_ms,
      deliver_p50_ms: run.deliver_latency.p50_ms,
      deliver_p99_ms: run.deliver_latency.p99_ms,
      primed: rooms.length,
      unacked: check.unacked,
      acked_not_stored: check.acked_not_stored,
      ack_duplicated: check.ack_duplicated,
      seq_gaps_stored: check.seq_gaps_stored,
      seq_gaps_delivered: check.seq_gaps_delivered,
      out_of_order: check.out_of_order,
      error_frames: run.error_frames,
      failed_sends: run.failed_sends,
      foreign: run.foreign,
      foreign_stored: check.foreign_stored,
      stalled: run.stalled,
      socket_closes: run.socket_closes,
      achieved_send_rate: run.achieved_send_rate,
      send_lag_p99_ms: run.send_lag.p99_ms,
      ...(run.first_errors.length ? { first_errors: run.first_errors } : {}),
      ...usage,
    };
  } finally {
    await closeRooms(rooms);
  }
}

/** The reference: the same schedule through the bare relay, latency to the receiver's copy (it sends no ack). */
async function floorAt(ctx: BenchContext, rate: number) {
  const target = ctx.floor!;
  const { args } = ctx;
  const label = `hotpath_open@${rate} floor`;
  const rooms = await floorRooms(target.url, label, `${ctx.runId}-o${rate}`, args.clients);
  const cpu = new CpuMeter(target.pgid ? [target.pgid] : []);
  try {
    const run = await openLoopRooms(rooms, {
      tag: `${ctx.runId}f${rate}`,
      rate,
      messages: rate * args.openSeconds,
      text: filler(args.textBytes),
      classifySender: floorSender,
      classifyReceiver: floorReceiver,
      expectAck: false,
      stallMs: args.stallMs,
      beforeSchedule: () => cpu.reset(),
    });
    const usage = cpu.read(run.completed);
    let lost = 0;
    let duplicated = 0;
    for (const d of run.deliveries) {
      if (d === 0) lost++;
      if (d > 1) duplicated++;
    }
    log(`${label}: ${run.msgs_per_s} msgs/s, p50 ${run.latency.p50_ms} ms, p99 ${run.latency.p99_ms} ms, lost ${lost}${run.stalled ? " (STALLED)" : ""}`);
    return { msgs_per_s: run.msgs_per_s, p50_ms: run.latency.p50_ms, p99_ms: run.latency.p99_ms, lost, duplicated, server_cpu_ms_per_msg: usage.server_cpu_ms_per_msg };
  } finally {
    await closeRooms(rooms);
  }
}

export const hotpathOpen: Section = {
  name: "hotpath_open",
  needs: ["main", "floor"],
  async run(ctx) {
    const rates = [];
    // One rate at a time, edgedesk then the floor, so the two servers never compete.
    for (const rate of ctx.args.openRates) rates.push({ ...(await edgedeskAt(ctx, rate)), floor: await floorAt(ctx, rate) });
    return { conversations: ctx.args.clients, seconds: ctx.args.openSeconds, rates };
  },
};
