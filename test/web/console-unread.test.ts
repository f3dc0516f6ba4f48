import { describe, expect, it } from "vitest";
import { markRead, mayHaveUnread, MAX_MARKS, parseMarks, unreadCount } from "../../web/console/unread";
import { cannedQuery, lastCustomerSeq, preview, senderLabel, timeline, upsertMessage } from "../../web/console/timeline";
import type { StandardMessage } from "../../shared/message";

const msg = (seq: number, kind: "customer" | "agent" | "bot", extra: Partial<StandardMessage> = {}): StandardMessage => ({
  id: `msg_${seq}`, tenant_id: "ten_t", conversation_id: "cnv_c", seq, client_msg_id: `c${seq}`, channel: "web",
  direction: kind === "customer" ? "inbound" : "outbound", sender: { kind, id: kind === "agent" ? "agt_me" : `${kind}_1` },
  parts: [{ type: "text", text: `m${seq}` }], metadata: {}, created_at: seq * 1000, ...extra,
});

describe("console unread counts", () => {
  it("counts only customer messages after the read mark", () => {
    const ms = [msg(1, "customer"), msg(2, "bot"), msg(3, "customer"), msg(4, "agent"), msg(5, "customer")];
    expect(unreadCount(ms, 0)).toBe(3);
    expect(unreadCount(ms, 3)).toBe(1);
    expect(unreadCount(ms, 5)).toBe(0);
    expect(mayHaveUnread(5, 5)).toBe(false);
    expect(mayHaveUnread(6, 5)).toBe(true);
  });

  it("moves marks forward only and forgets the oldest beyond the limit", () => {
    let m = markRead({}, "a", 5);
    expect(markRead(m, "a", 3)).toBe(m);
    m = markRead(m, "a", 7);
    expect(m).toEqual({ a: 7 });
    let many = {};
    for (let i = 0; i < MAX_MARKS + 10; i++) many = markRead(many, `c${i}`, i + 1);
    expect(Object.keys(many)).toHaveLength(MAX_MARKS);
    expect(many).not.toHaveProperty("c0");
    expect(many).toHaveProperty(`c${MAX_MARKS + 9}`, MAX_MARKS + 10);
  });

  it("reads stored marks defensively", () => {
    expect(parseMarks(null)).toEqual({});
    expect(parseMarks("not json")).toEqual({});
    expect(parseMarks('{"a":-1}')).toEqual({});
    expect(parseMarks('{"a":4}')).toEqual({ a: 4 });
  });
});

describe("console timeline", () => {
  it("keeps messages in seq order, each once, with later copies replacing earlier ones", () => {
    let list = [msg(1, "customer"), msg(3, "customer")];
    list = upsertMessage(list, msg(2, "agent"));
    list = upsertMessage(list, msg(3, "customer", { parts: [{ type: "text", text: "edited" }] }));
    expect(list.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(list[2]!.parts).toEqual([{ type: "text", text: "edited" }]);
    expect(lastCustomerSeq(list)).toBe(3);
  });

  it("places notes among messages by time and pending sends last", () => {
    const notes = [{ id: "not_1", body: "vip", created_at: 1500, author: { id: "agt_me", name: "Me" } }];
    const pending = [{ client_msg_id: "p1", parts: [{ type: "text" as const, text: "hi" }], created_at: 9000, failed: null }];
    expect(timeline([msg(1, "customer"), msg(2, "agent")], notes, pending).map((e) => e.key)).toEqual(["msg_1", "not_1", "msg_2", "p1"]);
  });

  it("names senders, never by raw id", () => {
    const names = { customer: "Vic", me: { id: "agt_me", name: "Ada" }, agents: new Map([["agt_2", "Sam"]]) };
    expect(senderLabel({ kind: "customer", id: "ctc_1" }, names)).toBe("Vic");
    expect(senderLabel({ kind: "agent", id: "agt_me" }, names)).toBe("You");
    expect(senderLabel({ kind: "agent", id: "agt_2" }, names)).toBe("Sam");
    expect(senderLabel({ kind: "agent", id: "agt_3" }, names)).toBe("Agent");
    expect(senderLabel({ kind: "bot", id: "bot" }, names)).toBe("Bot");
  });

  it("opens canned responses for a leading slash word only", () => {
    expect(cannedQuery("/")).toBe("");
    expect(cannedQuery("/ref")).toBe("ref");
    expect(cannedQuery("/ref now")).toBeNull();
    expect(cannedQuery("a /ref")).toBeNull();
  });

  it("previews parts as one short line", () => {
    expect(preview([{ type: "text", text: "where\nis  it" }, { type: "image", url: "https://x/y.png" }])).toBe("where is it [image]");
    expect(preview([{ type: "text", text: "x".repeat(200) }], 10)).toHaveLength(10);
  });
});
