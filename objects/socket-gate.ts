import { FrameLimiter, frameLimitFrom } from "../shared/frame-limit";
import { frameBytes } from "../shared/protocol";
import { now } from "../shared/ids";

export type Refusal = { code: "rate_limited" | "too_large"; message: string };

/** WebSocket close code for a policy violation (RFC 6455 §7.4.1). */
export const CLOSE_POLICY = 1008;

/**
 * What every socket frame passes before an object reads it: the per-socket rate (shared/frame-limit.ts) and a size
 * limit. A refused frame is answered with the protocol's error frame and dropped; a socket that keeps flooding is
 * closed with 1008.
 */
export class SocketGate {
  private readonly limiter: FrameLimiter<WebSocket>;

  constructor(
    private readonly maxBytes: number,
    env: Env & { WS_FRAME_LIMIT?: unknown },
  ) {
    this.limiter = new FrameLimiter(frameLimitFrom(env.WS_FRAME_LIMIT));
  }

  /** True when the frame is refused: `reply` has sent the error frame, and the socket is closed if it had to be. */
  refuse(ws: WebSocket, data: string | ArrayBuffer, reply: (r: Refusal) => void): boolean {
    const verdict = this.limiter.admit(ws, now());
    if (verdict !== "pass") {
      const { ratePerS, burst } = this.limiter.limit;
      reply({ code: "rate_limited", message: `sockets may send ${ratePerS} frames a second (bursts of ${burst})` });
      if (verdict === "close") {
        try {
          ws.close(CLOSE_POLICY, "too many frames");
        } catch {
          // already closing
        }
      }
      return true;
    }
    if (frameBytes(data, this.maxBytes) <= this.maxBytes) return false;
    reply({ code: "too_large", message: `frames are limited to ${this.maxBytes} bytes` });
    return true;
  }
}
