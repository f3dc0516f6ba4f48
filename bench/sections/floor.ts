import { Socket, filler, summarize, warmupThenMeasure, type Classify, type Room } from "../lib/driver.ts";
import { CpuMeter } from "../lib/cpu.ts";
import { log } from "../lib/log.ts";
import { mapLimit } from "../lib/provision.ts";
import type { Section } from "./types.ts";

/** The relay forwards the client frame verbatim: the receiver sees the sender's own frame. */
const classifyReceiver: Classify = (text) => {
  const f = JSON.parse(text) as { type?: string; client_msg_id?: string };
  return f.type === "message" && typeof f.client_msg_id === "string" ? { kind: "message", cmid: f.client_msg_id } : { kind: "other" };
};
const classifySender: Classify = () => ({ kind: "other" });

/**
 * floor: a bare Durable Object WebSocket relay (bench/floor/worker.ts) in the same workerd build,
 * same rooms, sockets, messages and driver as hotpath: the limit of the runtime on this machine.
 */
export const floor: Section = {
  name: "floor",
  needs: ["floor"],
  async run(ctx) {
    const target = ctx.floor!;
    const { args } = ctx;
    const ws = target.url.replace(/^http/, "ws");
    log(`floor: opening ${args.clients * 2} sockets`);
    const rooms: Room[] = await mapLimit(Array.from({ length: args.clients }, (_, i) => i), 10, async (r) => {
      const path = `${ws}/__bench_floor/${ctx.runId}-${r}/ws`;
      const sender = await Socket.open(path, `floor[${r}].sender`);
      const receiver = await Socket.open(path, `floor[${r}].receiver`);
      return { sender, receiver, lastSeq: null };
    });
    const cpu = new CpuMeter(target.pgid ? [target.pgid] : []);
    try {
      const m = await warmupThenMeasure(
        "floor",
        rooms,
        { runId: ctx.runId, warmup: args.warmup, messages: args.messages, window: args.window, text: filler(args.textBytes), classifyReceiver, classifySender, expectAck: false, stallMs: args.stallMs },
        log,
        () => cpu.reset(),
      );
      return { ...summarize(m), ...cpu.read(m.measured.received) };
    } finally {
      await Promise.all(rooms.flatMap((r) => [r.sender.close(), r.receiver.close()]));
    }
  },
};
