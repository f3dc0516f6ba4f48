import http from "node:http";

/**
 * The HTTP open-loop driver: request i is sent at its scheduled time whatever became of the earlier ones, so a
 * slow server shows up as latency and a backlog rather than as a slower client (as a closed loop would hide it).
 */

const REQUEST_TIMEOUT_MS = 30_000;

/** Status 0: the request failed or timed out. */
export type Reply = { status: number; ms: number };

/** Latency is request written -> response fully read. */
export function post(agent: http.Agent, url: URL, body: Buffer, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { ...headers, "content-length": String(body.length) }, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
        res.on("error", () => resolve({ status: 0, ms: performance.now() - t0 }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(body);
  });
}

/**
 * Calls send(i, due) for i = 0..total-1 at `rate` per second, due being the time (performance.now() clock) it
 * was scheduled for, and waits for every returned promise. sendSeconds: until the last was sent; wallSeconds:
 * until the last settled.
 */
export async function openLoop(rate: number, total: number, send: (i: number, due: number) => Promise<void>): Promise<{ sendSeconds: number; wallSeconds: number }> {
  const done: Promise<void>[] = [];
  const interval = 1000 / rate;
  const tStart = performance.now();
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const t = performance.now();
      while (next < total && tStart + next * interval <= t) {
        const i = next++;
        done.push(send(i, tStart + i * interval));
      }
      if (next < total) setTimeout(tick, Math.max(0, tStart + next * interval - performance.now()));
      else resolve();
    };
    tick();
  });
  const sendSeconds = (performance.now() - tStart) / 1000;
  await Promise.all(done);
  return { sendSeconds, wallSeconds: (performance.now() - tStart) / 1000 };
}
