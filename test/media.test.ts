/// <reference types="vite/client" />
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { mediaRoutes } from "../workers/routes/media";
import { threadConversationId } from "../workers/channels/ingest";
import { BASE, call, ok, tenant, visitor } from "./helpers";
import documentFixture from "./fixtures/telegram/document.json?raw";
import { signTelegram } from "./signers/telegram";

const TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
const FILE_ID = "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX";
const PDF = new TextEncoder().encode("%PDF-1.4 test bytes");

type Seen = { url: string; method: string };

/** Stubs the Bot API: getFile answers `getFile`, the download answers `download`; every request is recorded as plain values. */
function stubTelegram(opts: { getFile?: () => Response; download?: () => Response; fail?: boolean } = {}) {
  const seen: Seen[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    seen.push({ url: req.url, method: req.method });
    if (opts.fail) throw new TypeError(`connect failed: ${req.url}`);
    if (req.url.includes("/getFile?")) return opts.getFile?.() ?? Response.json({ ok: true, result: { file_id: FILE_ID, file_unique_id: "u1", file_size: PDF.byteLength, file_path: "documents/file_7.pdf" } });
    if (req.url.includes("/file/bot")) return opts.download?.() ?? new Response(PDF, { headers: { "content-type": "application/pdf", "content-length": String(PDF.byteLength) } });
    return new Response("unexpected", { status: 500 });
  });
  return seen;
}

async function telegramTenant(config: Record<string, unknown> = {}) {
  const t = await tenant();
  await ok(call("/v1/channels/telegram", { method: "PUT", auth: t.key, json: { config: { bot_token: TOKEN, secret_token: "edgedesk_Secret-1", api_base: "https://tg.stub", ...config } } }));
  return t;
}

const media = (path: string, credential?: string) => mediaRoutes.request(path, { headers: credential ? { authorization: `Bearer ${credential}` } : {} }, env);

afterEach(() => vi.restoreAllMocks());

describe("telegram media proxy", () => {
  it("a delivered document is stored with the proxy URL, and the proxy streams the file resolved with the bot token", async () => {
    const t = await telegramTenant();
    const hook = `${BASE}/webhooks/${t.id}/telegram`;
    expect((await call(`/webhooks/${t.id}/telegram`, { method: "POST", body: documentFixture, headers: signTelegram(documentFixture, { secret_token: "edgedesk_Secret-1" }, hook, Date.now()) })).status).toBe(200);
    const conversation = await threadConversationId(t.id, "telegram", "1111111");
    const listed = await ok(call(`/v1/conversations/${conversation}/messages`, { auth: t.key }));
    expect(listed.data[0].parts).toEqual([{ type: "file", url: `${BASE}/v1/media/telegram/${FILE_ID}`, name: "Testfile.pdf", mime_type: "application/pdf", size: 536392 }]);
    expect(JSON.stringify(listed)).not.toContain(TOKEN);

    const seen = stubTelegram();
    const res = await media(new URL(listed.data[0].parts[0].url).pathname.replace(/^\/v1\/media/, ""), t.agentToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("cache-control")).toMatch(/^private\b/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PDF);
    expect(seen).toEqual([
      { url: `https://tg.stub/bot${TOKEN}/getFile?file_id=${FILE_ID}`, method: "GET" },
      { url: `https://tg.stub/file/bot${TOKEN}/documents/file_7.pdf`, method: "GET" },
    ]);
  });

  it("downloads from file_base when set, takes API keys as well as agent tokens, and refuses visitors", async () => {
    const t = await telegramTenant({ file_base: "https://files.tg.stub/" });
    const v = await visitor(t.id);
    const seen = stubTelegram();
    for (const credential of [t.key, t.agentToken]) expect((await media("/telegram/abc%2F1", credential)).status).toBe(200);
    // A widget visitor is never a Telegram customer: they have no business with the tenant's Telegram files.
    expect((await media("/telegram/abc%2F1", v.token)).status).toBe(403);
    expect(seen.map((s) => s.url)).toEqual([
      `https://tg.stub/bot${TOKEN}/getFile?file_id=abc%2F1`,
      `https://files.tg.stub/file/bot${TOKEN}/documents/file_7.pdf`,
      `https://tg.stub/bot${TOKEN}/getFile?file_id=abc%2F1`,
      `https://files.tg.stub/file/bot${TOKEN}/documents/file_7.pdf`,
    ]);
  });

  it("needs credentials, and a tenant without Telegram gets 404 without a call to Telegram", async () => {
    await telegramTenant();
    const other = await tenant();
    const seen = stubTelegram();
    const anonymous = await media(`/telegram/${FILE_ID}`);
    expect(anonymous.status).toBe(401);
    const unconfigured = await media(`/telegram/${FILE_ID}`, other.agentToken);
    expect(unconfigured.status).toBe(404);
    expect(unconfigured.headers.get("content-type")).toContain("application/problem+json");
    expect(seen).toEqual([]);
  });

  it("provider failures are 502 problems that never reveal the bot token", async () => {
    const t = await telegramTenant();
    const cases = [
      { getFile: () => Response.json({ ok: false, error_code: 400, description: "Bad Request: invalid file_id" }, { status: 400 }) },
      { getFile: () => new Response("<html>bad gateway</html>", { status: 502 }) },
      { getFile: () => Response.json({ ok: true, result: { file_id: FILE_ID } }) },
      { getFile: () => Response.json({ ok: true, result: { file_id: FILE_ID, file_path: "../../bot123/getMe" } }) },
      { download: () => new Response("Not Found", { status: 404 }) },
      { fail: true },
    ];
    for (const stub of cases) {
      stubTelegram(stub);
      const res = await media(`/telegram/${FILE_ID}`, t.agentToken);
      const body = await res.text();
      expect(res.status).toBe(502);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(body).not.toContain(TOKEN);
      vi.restoreAllMocks();
    }
  });
});
