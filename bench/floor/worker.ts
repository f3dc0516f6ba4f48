import { DurableObject } from "cloudflare:workers";

/**
 * The bench floor: a bare Durable Object WebSocket relay. No auth, no parsing, no storage.
 * Same hibernation API as the Conversation object: a frame from one socket is sent verbatim to every
 * other socket in the room (the same shape as hotpath: customer sends, agent receives the broadcast).
 */
export class FloorRoom extends DurableObject {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.send('{"type":"welcome"}');
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): void {
    for (const peer of this.ctx.getWebSockets()) {
      if (peer === ws) continue;
      try {
        peer.send(data);
      } catch {
        // closing socket
      }
    }
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    try {
      ws.close(code === 1005 ? 1000 : code, "closing");
    } catch {
      // already closed
    }
  }
}

type FloorEnv = { FLOOR_ROOM: DurableObjectNamespace<FloorRoom> };

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    const m = new URL(request.url).pathname.match(/^\/__bench_floor\/([A-Za-z0-9_-]{1,64})\/ws$/);
    if (m) return env.FLOOR_ROOM.get(env.FLOOR_ROOM.idFromName(m[1]!)).fetch(request);
    if (new URL(request.url).pathname === "/__bench_floor/health") return new Response("ok");
    // The HTTP floor for the webhooks section: read the body, answer 200, nothing else.
    if (new URL(request.url).pathname === "/__bench_floor/http" && request.method === "POST") {
      await request.arrayBuffer();
      return Response.json({ ok: true });
    }
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<FloorEnv>;
