import { filler, summarize, warmupThenMeasure } from "../lib/driver.ts";
import { CpuMeter } from "../lib/cpu.ts";
import { floorReceiver as classifyReceiver, floorSender as classifySender } from "../lib/frames.ts";
import { log } from "../lib/log.ts";
import { closeRooms, floorRooms } from "../lib/rooms.ts";
import type { Section } from "./types.ts";

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
    const rooms = await floorRooms(target.url, "floor", ctx.runId, args.clients);
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
      await closeRooms(rooms);
    }
  },
};
