import { Socket, type Room } from "./driver.ts";
import { log } from "./log.ts";
import { Api, mapLimit } from "./provision.ts";

/**
 * The rooms the WebSocket sections drive, opened the same way for each of them: the sender socket is
 * room.sender, the receiving one room.receiver.
 */

/** agentToken can read every conversation of the tenant. */
export type ConversationRooms = { agentToken: string; conversations: string[]; rooms: Room[] };

/**
 * A tenant of its own, one agent and n widget conversations, each with a customer (visitor token) socket that
 * sends and the agent's socket that receives. `name` tells runs and sections apart (tenant name, agent email).
 */
export async function conversationRooms(api: Api, adminToken: string, label: string, name: string, n: number): Promise<ConversationRooms> {
  log(`${label}: provisioning a tenant, an agent and ${n} widget conversations`);
  const tenant = await api.createTenant(adminToken, `bench ${name}`);
  const agent = await api.createAgent(tenant.api_key, "Bench Agent", `bench-${name}@example.com`);
  const { token: agentToken } = await api.agentToken(tenant.api_key, agent.id);
  const convs = await mapLimit(Array.from({ length: n }, (_, i) => i), 5, async (i) => {
    const session = await api.widgetSession(tenant.id, `Bench Visitor ${i}`);
    const conv = await api.widgetConversation(session.token);
    return { id: conv.id, visitorToken: session.token };
  });

  log(`${label}: opening ${n * 2} sockets`);
  const rooms = await mapLimit(convs, 10, async (c, i) => {
    const base = api.wsUrl(`/v1/conversations/${c.id}/ws?last_seq=0&token=`);
    const receiver = await Socket.open(base + encodeURIComponent(agentToken), `${label}[${i}].agent`);
    const sender = await Socket.open(base + encodeURIComponent(c.visitorToken), `${label}[${i}].customer`);
    return { sender, receiver, lastSeq: null };
  });
  return { agentToken, conversations: convs.map((c) => c.id), rooms };
}

/** n rooms of the floor relay (bench/floor/worker.ts), named `<name>-<i>`. */
export async function floorRooms(floorUrl: string, label: string, name: string, n: number): Promise<Room[]> {
  const ws = floorUrl.replace(/^http/, "ws");
  log(`${label}: opening ${n * 2} sockets`);
  return mapLimit(Array.from({ length: n }, (_, i) => i), 10, async (r) => {
    const path = `${ws}/__bench_floor/${name}-${r}/ws`;
    const sender = await Socket.open(path, `${label}[${r}].sender`);
    const receiver = await Socket.open(path, `${label}[${r}].receiver`);
    return { sender, receiver, lastSeq: null };
  });
}

/** Closes both sockets of every room. */
export function closeRooms(rooms: Room[]): Promise<void> {
  return Promise.all(rooms.flatMap((r) => [r.sender.close(), r.receiver.close()])).then(() => {});
}
