/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { call, ok, tenant } from "../helpers";
import { admitBlob, blobKeyTenant, byteLimit } from "../../workers/channels/blobs";
import { threadConversationId } from "../../workers/channels/ingest";
import { sha256Hex, fromBase64 } from "../../shared/crypto";
import { emailHeaders } from "../signers/email";
import inlineCid from "../fixtures/email/attachments-inline-cid.eml?raw";
import multipart from "../fixtures/email/multipart-attachment.eml?raw";

const PNG = fromBase64("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
const PDF = new TextEncoder().encode("%PDF-1.4\n% invoice 42\n");
const PE = fromBase64("TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=");
const INBOUND_TOKEN = "inbound-token-0123456789";

async function mailTenant(extra: Record<string, unknown> = {}) {
  const t = await tenant();
  await ok(
    call("/v1/channels/email", {
      method: "PUT",
      auth: t.key,
      json: { config: { from_address: "support@acme.example", domain: "acme.example", relay_url: "https://relay.example/send", relay_token: "relay-token", inbound_token: INBOUND_TOKEN, ...extra } },
    }),
  );
  const post = (raw: string) => call(`/webhooks/${t.id}/email`, { method: "POST", headers: emailHeaders(INBOUND_TOKEN), body: raw });
  const history = async (thread: string) => (await ok(call(`/v1/conversations/${await threadConversationId(t.id, "email", thread)}/messages`, { auth: t.key }))).data;
  return { ...t, post, history };
}

const path = (url: string) => new URL(url).pathname;

describe("what may be stored", () => {
  it("executables are refused by name, declared type or content, whatever else they claim", () => {
    const refused = { ok: false, reason: "executable files are not accepted" };
    expect(admitBlob("setup.exe", "application/octet-stream", PDF)).toEqual(refused);
    expect(admitBlob("Invoice.PDF.js", "application/pdf", PDF)).toEqual(refused);
    expect(admitBlob("report.xlsm", "application/vnd.ms-excel", PDF)).toEqual(refused);
    expect(admitBlob("notes.txt", "application/x-msdownload", PDF)).toEqual(refused);
    expect(admitBlob("statement.pdf", "application/pdf", PE)).toEqual(refused);
    expect(admitBlob("run", "text/plain", new TextEncoder().encode("#!/bin/sh\nrm -rf /\n"))).toEqual(refused);
    expect(admitBlob("a.bin", "application/octet-stream", Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2))).toEqual(refused);
    expect(admitBlob("a", "application/octet-stream", Uint8Array.of(0xcf, 0xfa, 0xed, 0xfe))).toEqual(refused);
  });

  it("allowlisted types pass; octet-stream takes the type its name implies; anything else is refused", () => {
    expect(admitBlob("photo.png", "image/png", PNG)).toEqual({ ok: true, contentType: "image/png", image: true });
    expect(admitBlob("invoice.pdf", "application/octet-stream", PDF)).toEqual({ ok: true, contentType: "application/pdf", image: false });
    expect(admitBlob("logo.svg", "image/svg+xml", PDF)).toEqual({ ok: true, contentType: "image/svg+xml", image: false });
    expect(admitBlob("call.m4a", "audio/mp4; codecs=mp4a", PDF)).toEqual({ ok: true, contentType: "audio/mp4", image: false });
    expect(admitBlob("blob", "application/octet-stream", PDF)).toEqual({ ok: false, reason: "files of type application/octet-stream are not accepted" });
    expect(admitBlob("x.weird", "application/x-weird", PDF)).toEqual({ ok: false, reason: "files of type application/x-weird are not accepted" });
  });

  it("keys name their tenant; nothing else is a key", () => {
    expect(blobKeyTenant(`tenant=ten_a/email/${"a".repeat(64)}`)).toBe("ten_a");
    expect(blobKeyTenant(`tenant=ten_a/email/${"a".repeat(63)}`)).toBeNull();
    expect(blobKeyTenant(`tenant=ten_a/../ten_b/email/${"a".repeat(64)}`)).toBeNull();
    expect(blobKeyTenant(`tenant=ten_a/email/${"a".repeat(64)}/x`)).toBeNull();
    expect(byteLimit(25 * 1024 * 1024)).toBe("25 MB");
    expect(byteLimit(80)).toBe("80 bytes");
  });
});

describe("attachment bytes are stored in R2 and served to the tenant only", () => {
  it("inline cid: image and attachments become parts pointing at /v1/media/files; refused ones say why", async () => {
    const t = await mailTenant();
    await ok(t.post(inlineCid));
    const [m] = await t.history("photos-1@mail.customer.example");
    const pngKey = `tenant=${t.id}/email/${await sha256Hex(PNG)}`;
    const pdfKey = `tenant=${t.id}/email/${await sha256Hex(PDF)}`;
    expect(m.parts).toEqual([
      { type: "text", text: "See the photo below and the invoice attached." },
      { type: "image", url: `http://localhost:8787/v1/media/files/${pngKey}`, mime_type: "image/png" },
      { type: "file", url: `http://localhost:8787/v1/media/files/${pdfKey}`, name: "invoice.pdf", mime_type: "application/pdf", size: PDF.byteLength },
      { type: "unsupported", provider_type: "email_attachment", description: "statement.pdf (application/pdf, 32 bytes) was not stored: executable files are not accepted" },
      { type: "unsupported", provider_type: "email_attachment", description: "tool.exe (application/x-msdownload, 32 bytes) was not stored: executable files are not accepted" },
    ]);
    expect(m.metadata.attachments[0]).toMatchObject({ filename: "photo.png", content_id: "photo-1@mail.customer.example", disposition: "inline", part: 1 });
    expect(m.metadata.attachments[3]).toMatchObject({ filename: "tool.exe", part: 4, refused: "executable files are not accepted" });

    const image = await call(path(m.parts[1].url), { auth: t.agentToken });
    expect(image.status).toBe(200);
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG);
    expect(Object.fromEntries(["content-type", "x-content-type-options", "content-security-policy", "content-disposition"].map((h) => [h, image.headers.get(h)]))).toEqual({
      "content-type": "image/png",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
      "content-disposition": `inline; filename="photo.png"; filename*=UTF-8''photo.png`,
    });

    const pdf = await call(path(m.parts[2].url), { auth: t.key });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toBe(`attachment; filename="invoice.pdf"; filename*=UTF-8''invoice.pdf`);
    expect(new Uint8Array(await pdf.arrayBuffer())).toEqual(PDF);
  });

  it("another tenant's agent or key gets 404, as does a key that was never stored; no credentials is 401", async () => {
    const t = await mailTenant();
    const other = await tenant();
    await ok(t.post(multipart));
    const [m] = await t.history("caf=abc123+xyz@mail.customer.example");
    const url = path(m.parts[1].url);
    expect((await call(url, { auth: t.agentToken })).status).toBe(200);
    expect((await call(url, { auth: other.agentToken })).status).toBe(404);
    expect((await call(url, { auth: other.key })).status).toBe(404);
    expect((await call(url.replace(t.id, other.id), { auth: other.key })).status).toBe(404);
    expect((await call(`/v1/media/files/tenant=${t.id}/email/${"0".repeat(64)}`, { auth: t.key })).status).toBe(404);
    expect((await call(`/v1/media/files/tenant=${t.id}/../x`, { auth: t.key })).status).toBe(404);
    expect((await call(url)).status).toBe(401);
  });

  it("the same delivery twice stores one object and one message", async () => {
    const t = await mailTenant();
    await ok(t.post(multipart));
    await ok(t.post(multipart));
    expect(await t.history("caf=abc123+xyz@mail.customer.example")).toHaveLength(1);
    const listed = await env.MEDIA.list({ prefix: `tenant=${t.id}/` });
    expect(listed.objects.map((o) => o.key).sort()).toEqual([`tenant=${t.id}/email/${await sha256Hex(PNG)}`, `tenant=${t.id}/email/${await sha256Hex(new TextEncoder().encode("%PDF-1.4\n% receipt 1234\n"))}`].sort());
  });

  it("past the tenant's per-message cap, an attachment is refused with the limit named; the message is kept", async () => {
    const t = await mailTenant({ max_attachment_bytes: 80 });
    await ok(t.post(multipart));
    const [m] = await t.history("caf=abc123+xyz@mail.customer.example");
    expect(m.parts.map((p: { type: string }) => p.type)).toEqual(["text", "image", "unsupported"]);
    expect(m.parts[2].description).toBe("receipt.pdf (application/pdf, 24 bytes) was not stored: attachments are limited to 80 bytes per message");
    expect((await env.MEDIA.list({ prefix: `tenant=${t.id}/` })).objects).toHaveLength(1);
  });
});
