/// <reference types="vite/client" />
/**
 * Slack through the real Worker entry and conversation objects: slash commands, button clicks and modal
 * submissions signed as Slack signs them, the workspace/app check, edits, reactions and deletions of stored
 * messages, and files (Slack Connect ones included) served through the media proxy with the bot token kept
 * on the server.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { channelContactId, threadConversationId } from "../../workers/channels/ingest";
import { slackMediaRoutes } from "../../workers/routes/media-slack";
import { BASE, call, ok, tenant, visitor } from "../helpers";
import blockActionsFixture from "../fixtures/slack/block_actions.json?raw";
import connectFileFixture from "../fixtures/slack/file_share_connect.json?raw";
import fileShareFixture from "../fixtures/slack/file_share.json?raw";
import changedFixture from "../fixtures/slack/message_changed.json?raw";
import deletedFixture from "../fixtures/slack/message_deleted.json?raw";
import messageFixture from "../fixtures/slack/message.json?raw";
import reactionAddedFixture from "../fixtures/slack/reaction_added.json?raw";
import reactionRemovedFixture from "../fixtures/slack/reaction_removed.json?raw";
import slashFixture from "../fixtures/slack/slash_command.txt?raw";
import viewSubmissionFixture from "../fixtures/slack/view_submission.json?raw";
import { signSlack } from "../signers/slack";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";
const FORM = "application/x-www-form-urlencoded";

type Stored = { id: string; parts: Record<string, unknown>[]; sender: { kind: string; id: string; name?: string }; metadata: Record<string, unknown>; sent_at?: number; edits?: unknown[]; edited_at?: number; reactions?: { emoji: string }[]; retracted_at?: number };

async function slackTenant(extra: Record<string, string> = {}) {
  const t = await tenant();
  const config = { signing_secret: SECRET, bot_token: TOKEN, api_base: "https://slack.stub/api", ...extra };
  await ok(call("/v1/channels/slack", { method: "PUT", auth: t.key, json: { config } }));
  const hook = `${BASE}/webhooks/${t.id}/slack`;
  const post = (body: string, contentType = "application/json") =>
    call(`/webhooks/${t.id}/slack`, { method: "POST", body, headers: { ...signSlack(body, config, hook, Date.now()), "content-type": contentType } });
  const messages = async (thread: string): Promise<Stored[] | null> => {
    const res = await call(`/v1/conversations/${await threadConversationId(t.id, "slack", thread)}/messages`, { auth: t.key });
    return res.status === 404 ? null : (await ok<{ data: Stored[] }>(res)).data;
  };
  return { ...t, post, messages };
}

const form = (payload: string) => `payload=${encodeURIComponent(payload)}`;
const edit = (fixture: string, f: (d: any) => void) => {
  const d = JSON.parse(fixture);
  f(d);
  return JSON.stringify(d);
};

async function expectOk(res: Response): Promise<string> {
  const body = await res.text();
  expect(res.status, body).toBe(200);
  return body;
}

afterEach(() => vi.restoreAllMocks());

describe("slack slash commands and interactivity end to end", () => {
  it("a slash command is stored once as the customer's message in that channel's conversation and acknowledged ephemerally", async () => {
    const s = await slackTenant();
    const before = Date.now();
    for (let i = 0; i < 2; i++) {
      const res = await s.post(slashFixture, FORM);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(JSON.parse(await expectOk(res))).toEqual({ response_type: "ephemeral", text: "Thanks, we got your message. We will answer you here." });
    }
    const stored = await s.messages("T0001:C2147483705");
    expect(stored).toMatchObject([
      {
        sender: { kind: "customer", id: await channelContactId(s.id, "slack", "T0001:U2147483697"), name: "Steve" },
        parts: [{ type: "text", text: "/weather 94070" }],
        metadata: { command: "/weather", response_url: "https://hooks.slack.com/commands/1234/5678" },
      },
    ]);
    expect(stored).toHaveLength(1);
    expect(stored![0]!.sent_at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  });

  it("a button click is a choice in the clicked message's thread, answered with an empty 200", async () => {
    const s = await slackTenant();
    expect(await expectOk(await s.post(form(blockActionsFixture), FORM))).toBe("");
    expect(await s.messages("T9TK3CUKW:CBR2V3XEX:1548261231.000200")).toMatchObject([
      { sender: { kind: "customer", name: "jtorrance" }, parts: [{ type: "choice", value: "click_me_123", label: "View" }], sent_at: 1_548_426_417_840 },
    ]);
  });

  it("a modal submission is a form in the submitter's direct messages with the app, answered with an empty 200 (the modal closes)", async () => {
    const s = await slackTenant();
    expect(await expectOk(await s.post(form(viewSubmissionFixture), FORM))).toBe("");
    expect(await s.messages("T9TK3CUKW:UA8RXUSPL")).toMatchObject([
      { sender: { kind: "customer" }, parts: [{ type: "form", name: "Modal with inputs", fields: { "multi-line": "This is my example inputted value" } }] },
    ]);
  });
});

describe("slack workspace and app check (S3) end to end", () => {
  async function expectForbidden(res: Response) {
    expect(res.status, await res.clone().text()).toBe(403);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  }

  it("a signed delivery for another workspace or app is refused with 403 and nothing is stored", async () => {
    const s = await slackTenant({ team_id: "T0OTHER", app_id: "AXXXXXXXXX" });
    await expectForbidden(await s.post(messageFixture));
    await expectForbidden(await s.post(slashFixture, FORM));
    await expectForbidden(await s.post(form(blockActionsFixture), FORM));
    expect(await s.messages("TXXXXXXXX:C123ABC456:1355517523.000005")).toBeNull();
    expect(await s.messages("T0001:C2147483705")).toBeNull();
    expect(await s.messages("T9TK3CUKW:CBR2V3XEX:1548261231.000200")).toBeNull();
  });

  it("the configured workspace and app are let through", async () => {
    const s = await slackTenant({ team_id: "TXXXXXXXX", app_id: "AXXXXXXXXX" });
    await expectOk(await s.post(messageFixture));
    expect(await s.messages("TXXXXXXXX:C123ABC456:1355517523.000005")).toHaveLength(1);
  });
});

describe("slack changes end to end", () => {
  const THREAD = "TXXXXXXXX:C123ABC456:1355517523.000005";
  const onTheMessage = (fixture: string) => edit(fixture, (d) => (d.event.item.ts = "1355517523.000005"));

  it("an edit replaces the text and keeps the first version; reactions come and go by name; a deletion retracts it", async () => {
    const s = await slackTenant();
    await expectOk(await s.post(messageFixture));
    await expectOk(await s.post(changedFixture));
    await expectOk(await s.post(changedFixture));
    let [m, ...rest] = (await s.messages(THREAD))!;
    expect(rest).toEqual([]);
    expect(m!.parts).toEqual([{ type: "text", text: "Hello, world!" }]);
    expect(m!.edits).toEqual([{ parts: [{ type: "text", text: "Hello world" }], at: 1_355_517_523_000 }]);
    expect(m!.edited_at).toBe(1_358_878_755_000);

    await expectOk(await s.post(onTheMessage(reactionAddedFixture)));
    [m] = (await s.messages(THREAD))!;
    expect(m!.reactions).toMatchObject([{ emoji: ":thumbsup:", sender: { kind: "customer", id: await channelContactId(s.id, "slack", "TXXXXXXXX:U123ABC456") } }]);
    await expectOk(await s.post(onTheMessage(reactionRemovedFixture)));
    [m] = (await s.messages(THREAD))!;
    expect(m!.reactions ?? []).toEqual([]);

    const deleted = edit(deletedFixture, (d) => {
      d.event.deleted_ts = "1355517523.000005";
      d.event.previous_message = { type: "message", user: "U123ABC456", text: "Hello, world!", ts: "1355517523.000005" };
    });
    await expectOk(await s.post(deleted));
    [m] = (await s.messages(THREAD))!;
    expect(m!.retracted_at).toBe(1_358_878_755_000);
    expect(m!.parts).toEqual([]);
    expect(JSON.stringify(m)).not.toContain("Hello");
  });
});

type Seen = { url: string; authorization: string | null };

/** Stubs Slack's Web API: files.info answers `info`, the download answers `download`; every request is recorded. */
function stubSlack(opts: { info?: () => Response; download?: () => Response; fail?: boolean } = {}) {
  const seen: Seen[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    seen.push({ url: req.url, authorization: req.headers.get("authorization") });
    if (opts.fail) throw new TypeError(`connect failed: ${req.url} ${req.headers.get("authorization")}`);
    if (req.url.includes("/files.info?")) {
      return opts.info?.() ?? Response.json({ ok: true, file: { id: "F123ABC456", name: "report.pdf", mimetype: "application/pdf", url_private: "https://files.slack.stub/files-pri/T1-F123ABC456/report.pdf", url_private_download: "https://files.slack.stub/files-pri/T1-F123ABC456/download/report.pdf" } });
    }
    if (req.url.startsWith("https://files.slack.stub/")) return opts.download?.() ?? new Response(PDF, { headers: { "content-type": "application/pdf", "content-length": String(PDF.byteLength) } });
    return new Response("unexpected", { status: 500 });
  });
  return seen;
}

const PDF = new TextEncoder().encode("%PDF-1.4 connect bytes");
const media = (path: string, credential?: string) => slackMediaRoutes.request(path, { headers: credential ? { authorization: `Bearer ${credential}` } : {} }, env);

describe("slack files through the media proxy", () => {
  it("a Slack Connect file (no URL in the event) is stored at the proxy and served after files.info, the token only on the Slack legs", async () => {
    const s = await slackTenant();
    await expectOk(await s.post(connectFileFixture));
    const [m] = (await s.messages("TXXXXXXXX:D0L4B9P0Q"))!;
    expect(m!.parts).toEqual([
      { type: "text", text: "We got one!" },
      { type: "file", url: `${BASE}/v1/media/slack/F123ABC456` },
    ]);

    const seen = stubSlack();
    const res = await media(new URL(String(m!.parts[1]!.url)).pathname.replace(/^\/v1\/media\/slack/, ""), s.agentToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("cache-control")).toMatch(/^private\b/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PDF);
    expect(seen).toEqual([
      { url: "https://slack.stub/api/files.info?file=F123ABC456", authorization: `Bearer ${TOKEN}` },
      { url: "https://files.slack.stub/files-pri/T1-F123ABC456/download/report.pdf", authorization: `Bearer ${TOKEN}` },
    ]);
  });

  it("ordinary files go through the proxy too, so url_private and the token never reach a browser", async () => {
    const s = await slackTenant();
    await expectOk(await s.post(fileShareFixture.replaceAll("https://files.slack.com/", "https://files.slack.stub/")));
    const stored = await s.messages("TXXXXXXXX:D0L4B9P0Q");
    expect(stored![0]!.parts[1]).toEqual({ type: "image", url: `${BASE}/v1/media/slack/F0RDC39U1`, mime_type: "image/png" });
    expect(JSON.stringify(stored)).not.toContain("files.slack");
    expect(JSON.stringify(stored)).not.toContain(TOKEN);
  });

  it("takes API keys and agent tokens, refuses visitors and anonymous callers, and 404s a tenant without Slack or a bad id without calling Slack", async () => {
    const s = await slackTenant();
    const other = await tenant();
    const v = await visitor(s.id);
    const seen = stubSlack();
    for (const credential of [s.key, s.agentToken]) expect((await media("/F123ABC456", credential)).status).toBe(200);
    expect(seen).toHaveLength(4);
    expect((await media("/F123ABC456", v.token)).status).toBe(403);
    expect((await media("/F123ABC456")).status).toBe(401);
    expect((await media("/F123ABC456", other.agentToken)).status).toBe(404);
    expect((await media("/..%2Fchat.postMessage", s.agentToken)).status).toBe(404);
    expect(seen).toHaveLength(4);
  });

  it("provider failures are 502 problems that never reveal the token, and the token never goes to a host that is not Slack's", async () => {
    const s = await slackTenant();
    const cases = [
      { info: () => Response.json({ ok: false, error: "file_not_found" }) },
      { info: () => new Response("<html>bad gateway</html>", { status: 502 }) },
      { info: () => Response.json({ ok: true, file: { id: "F1", mimetype: "image/png" } }) },
      { info: () => Response.json({ ok: true, file: { id: "F1", url_private_download: "https://evil.test/steal" } }) },
      { info: () => Response.json({ ok: true, file: { id: "F1", url_private_download: "http://files.slack.stub/plain-http" } }) },
      { download: () => new Response("Not Found", { status: 404 }) },
      { download: () => new Response("<html>Sign in to Slack</html>", { headers: { "content-type": "text/html; charset=utf-8" } }) },
      { fail: true },
    ];
    for (const stub of cases) {
      const seen = stubSlack(stub);
      const res = await media("/F123ABC456", s.agentToken);
      const body = await res.text();
      expect(res.status, body).toBe(502);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(body).not.toContain(TOKEN);
      expect(seen.every((r) => r.url.startsWith("https://slack.stub/") || r.url.startsWith("https://files.slack.stub/"))).toBe(true);
      vi.restoreAllMocks();
    }
  });

  it("an external file (Google Drive …) is not fetched with the token: 404, its own link is in the message", async () => {
    const s = await slackTenant();
    const seen = stubSlack({ info: () => Response.json({ ok: true, file: { id: "F1", mode: "external", is_external: true, url_private: "https://docs.google.com/document/d/1e8L/edit" } }) });
    expect((await media("/F123ABC456", s.agentToken)).status).toBe(404);
    expect(seen.map((r) => r.url)).toEqual(["https://slack.stub/api/files.info?file=F123ABC456"]);
  });
});
