import { describe, expect, it } from "vitest";
import { inTab, mergeList, settle, tabQuery } from "../../web/console/lists";
import { addOffer, dropOffer, newestOffer, timeLeft } from "../../web/console/offers";

const ME = "agt_me";
type Item = { id: string; status: "open" | "queued" | "assigned" | "resolved" | "closed"; assignee_id: string | null; updated_at: number; rev: number; name?: string };
const item = (id: string, status: Item["status"], rev: number, extra: Partial<Item> = {}): Item => ({ id, status, assignee_id: status === "assigned" ? ME : null, updated_at: rev * 1000, rev, ...extra });

describe("console lists", () => {
  it("queries each tab by status, mine by assignee, and passes a trimmed search", () => {
    expect(tabQuery("mine", ME, "")).toEqual({ status: "open,assigned", limit: "50", assignee_id: ME });
    expect(tabQuery("queue", ME, "  ada ")).toEqual({ status: "queued", limit: "50", q: "ada" });
    expect(tabQuery("open", ME, "").status).toBe("open,queued,assigned");
    expect(tabQuery("resolved", ME, "").status).toBe("resolved,closed");
  });

  it("keeps only the agent's own conversations in Mine", () => {
    expect(inTab("mine", { status: "assigned", assignee_id: ME }, ME)).toBe(true);
    expect(inTab("mine", { status: "assigned", assignee_id: "agt_other" }, ME)).toBe(false);
    expect(inTab("mine", { status: "resolved", assignee_id: ME }, ME)).toBe(false);
    expect(inTab("open", { status: "queued", assignee_id: null }, ME)).toBe(true);
  });

  it("moves a just-resolved conversation out of Mine although the index still says assigned", () => {
    const server = [item("cnv_a", "assigned", 3), item("cnv_b", "assigned", 2)];
    const known = new Map([["cnv_a", item("cnv_a", "resolved", 4)]]);
    expect(mergeList(server, known, "mine", ME, false).map((c) => c.id)).toEqual(["cnv_b"]);
    expect(mergeList(server, known, "resolved", ME, false).map((c) => [c.id, c.status])).toEqual([["cnv_a", "resolved"]]);
  });

  it("lets the index win once it is as new as what the console knew, and keeps the server's other fields", () => {
    const server = [item("cnv_a", "open", 5, { name: "from server", assignee_id: ME })];
    const known = new Map([["cnv_a", item("cnv_a", "resolved", 4)]]);
    const merged = mergeList(server, known, "mine", ME, false);
    expect(merged.map((c) => [c.status, c.name])).toEqual([["open", "from server"]]);
    expect(settle(known, server).size).toBe(0);
    expect(settle(known, [item("cnv_a", "assigned", 3)]).size).toBe(1);
  });

  it("shows an accepted conversation the index does not list yet, but not while searching", () => {
    const known = new Map([["cnv_new", item("cnv_new", "assigned", 1)]]);
    expect(mergeList([item("cnv_old", "assigned", 1)], known, "mine", ME, false).map((c) => c.id)).toContain("cnv_new");
    expect(mergeList([], known, "mine", ME, true)).toEqual([]);
  });

  it("orders by last update, newest first", () => {
    const server = [item("cnv_a", "open", 1), item("cnv_b", "open", 3), item("cnv_c", "open", 2)];
    expect(mergeList(server, new Map(), "open", ME, false).map((c) => c.id)).toEqual(["cnv_b", "cnv_c", "cnv_a"]);
  });
});

describe("console offers", () => {
  const offer = (id: string, expires_at: number) => ({ offer_id: id, conversation_id: `cnv_${id}`, queue_id: "default", expires_at, breakdown: null });

  it("adds each offer once, drops revoked ones, and picks the newest still open", () => {
    let list = addOffer([], offer("o1", 30_000));
    list = addOffer(list, offer("o2", 40_000));
    list = addOffer(list, offer("o1", 35_000));
    expect(list.map((o) => [o.offer_id, o.expires_at])).toEqual([["o1", 35_000], ["o2", 40_000]]);
    expect(newestOffer(list, 10_000)?.offer_id).toBe("o2");
    expect(newestOffer(list, 39_000)?.offer_id).toBe("o2");
    expect(newestOffer(dropOffer(list, "o2"), 10_000)?.offer_id).toBe("o1");
    expect(newestOffer(list, 40_000)).toBeNull();
  });

  it("measures the time left from when the offer was seen", () => {
    expect(timeLeft({ expires_at: 30_000 }, 0, 15_000)).toBe(0.5);
    expect(timeLeft({ expires_at: 30_000 }, 0, 40_000)).toBe(0);
    expect(timeLeft({ expires_at: 30_000 }, 30_000, 30_000)).toBe(0);
  });
});
