import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InboundRequest, OutboundReply } from "../../workers/channels/adapter";
import { declarativeAdapter } from "../../workers/channels/declarative";
import { DeclarativeChannelSpec, SIGNATURE_SCHEMES } from "../../shared/declarative-channel";
import { formatPointer, parsePointer, resolvePointer } from "../../shared/json-pointer";
import { declarativeHeaders } from "../signers/declarative";
import { parseNeverCrashes } from "./never-crashes";
import { rejects } from "./support";

describe("RFC 6901 JSON pointer", () => {
  // RFC 6901 §5
  const doc = { foo: ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, 'k"l': 6, " ": 7, "m~n": 8 };
  const cases: [string, unknown][] = [
    ["", doc],
    ["/foo", ["bar", "baz"]],
    ["/foo/0", "bar"],
    ["/", 0],
    ["/a~1b", 1],
    ["/c%d", 2],
    ["/e^f", 3],
    ["/g|h", 4],
    ["/i\\j", 5],
    ['/k"l', 6],
    ["/ ", 7],
    ["/m~0n", 8],
  ];

  it("resolves the RFC's examples", () => {
    for (const [pointer, value] of cases) expect(resolvePointer(doc, pointer)).toEqual(value);
  });

  it("decodes ~01 as ~1, not /", () => {
    expect(parsePointer("/~01")).toEqual(["~1"]);
    expect(formatPointer(["~1", "a/b"])).toBe("/~01/a~1b");
  });

  it("returns undefined for missing steps, bad indices and inherited properties", () => {
    expect(resolvePointer(doc, "/foo/2")).toBeUndefined();
    expect(resolvePointer(doc, "/foo/01")).toBeUndefined();
    expect(resolvePointer(doc, "/foo/-")).toBeUndefined();
    expect(resolvePointer(doc, "/nope/x")).toBeUndefined();
    expect(resolvePointer(doc, "/constructor")).toBeUndefined();
    expect(resolvePointer({ a: null }, "/a/b")).toBeUndefined();
    expect(() => parsePointer("foo")).toThrow(SyntaxError);
    expect(() => parsePointer("/a~2")).toThrow(SyntaxError);
  });

  it("a pointer built from any path resolves to the value placed there", () => {
    const token = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("~", "/", "~1", "~0", "__proto__", "constructor", ""), fc.nat(5));
    fc.assert(
      fc.property(fc.array(token, { maxLength: 6 }), fc.jsonValue(), (path, value) => {
        let node: unknown = value;
        for (const step of [...path].reverse()) {
          if (typeof step === "number") {
            const arr: unknown[] = new Array(step + 1).fill(null);
            arr[step] = node;
            node = arr;
          } else {
            node = { [step]: node };
          }
        }
        const tokens = path.map(String);
        expect(parsePointer(formatPointer(tokens))).toEqual(tokens);
        expect(resolvePointer(node, formatPointer(tokens))).toBe(value);
      }),
    );
  });
});

const NOW = 1_700_000_000_000;

function specWith(signature: DeclarativeChannelSpec["signature"]) {
  return {
    slug: "acme-chat",
    signature,
    inbound: {
      items: "/events",
      thread_id: "/conversation/id",
      message_id: "/id",
      text: "/message/text",
      image_url: "/message/image/url",
      contact_id: "/sender/id",
      contact_name: "/sender/display~1name",
      contact_email: "/sender/email",
    },
    outbound: {
      url: "https://api.acme-chat.stub/v2/conversations/{thread_id}/messages?workspace={config.workspace}",
      method: "PUT" as const,
      headers: { Authorization: "Bearer {config.api_key}", "X-Idempotency-Key": "{message_id}" },
      body: { type: "text", text: "{{text}}", conversation: "{{thread_id}}", ref: "{{message_id}}", extra: [{ notify: true, n: 1 }, "{{text}}", "not {{text}}", null] },
    },
    response_id: "/data/message/id",
  };
}

const SIGNATURES: Record<(typeof SIGNATURE_SCHEMES)[number], DeclarativeChannelSpec["signature"]> = {
  "hmac-sha256-hex": { scheme: "hmac-sha256-hex", header: "X-Acme-Signature", prefix: "sha256=", secret: "acme-secret" },
  "hmac-sha256-base64": { scheme: "hmac-sha256-base64", header: "X-Acme-Signature", secret: "acme-secret" },
  "standard-webhooks": { scheme: "standard-webhooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
  "shared-token": { scheme: "shared-token", header: "Authorization", prefix: "Bearer ", secret: "acme-shared-token" },
};

const SAMPLE = JSON.stringify({
  events: [
    { id: "evt_1", conversation: { id: "conv/42" }, sender: { id: "u_7", "display/name": "Kim", email: "kim@acme.example" }, message: { text: "Hi there" } },
    { id: 2, conversation: { id: "conv/42" }, sender: { id: 7 }, message: { image: { url: "https://cdn.acme-chat.stub/i.png" } } },
    { id: "evt_3", conversation: { id: "conv/42" }, sender: { id: "u_7" }, type: "typing" },
  ],
});

function request(body: string, headers: Record<string, string>): InboundRequest {
  return { method: "POST", url: "https://edge.example/webhooks/custom:acme-chat/ten_1", headers: new Headers(headers), rawBody: new TextEncoder().encode(body) };
}

describe("declarative channel: every signature scheme", () => {
  for (const scheme of SIGNATURE_SCHEMES) {
    it(`${scheme}: verifies, refuses tampering with 401, and parses the sample`, async () => {
      const spec = DeclarativeChannelSpec.parse(specWith(SIGNATURES[scheme]));
      const adapter = declarativeAdapter(spec);
      expect(adapter.name).toBe("custom:acme-chat");
      const headers = declarativeHeaders(spec.signature, SAMPLE, NOW);
      await expect(adapter.verify(request(SAMPLE, headers), {}, NOW)).resolves.toBeUndefined();
      await rejects(adapter.verify(request(SAMPLE, { "content-type": "application/json" }), {}, NOW), 401);
      const forged = declarativeHeaders({ ...spec.signature, secret: scheme === "standard-webhooks" ? `whsec_${btoa("a different key, 24 byte")}` : "wrong" }, SAMPLE, NOW);
      await rejects(adapter.verify(request(SAMPLE, forged), {}, NOW), 401);
      if (scheme !== "shared-token") await rejects(adapter.verify(request(SAMPLE.replace("Hi there", "Hi th3re"), headers), {}, NOW), 401);
      if (scheme === "standard-webhooks") await rejects(adapter.verify(request(SAMPLE, headers), {}, NOW + 10 * 60_000), 401);

      expect(await adapter.parse(request(SAMPLE, headers), {})).toEqual({
        items: [
          {
            kind: "message",
            externalThreadId: "conv/42",
            providerMessageId: "evt_1",
            contact: { externalId: "u_7", name: "Kim", email: "kim@acme.example" },
            parts: [{ type: "text", text: "Hi there" }],
            metadata: {},
          },
          {
            kind: "message",
            externalThreadId: "conv/42",
            providerMessageId: "2",
            contact: { externalId: "7" },
            parts: [{ type: "image", url: "https://cdn.acme-chat.stub/i.png" }],
            metadata: {},
          },
        ],
      });
    });
  }

  it("hex signatures compare case-insensitively", async () => {
    const spec = DeclarativeChannelSpec.parse(specWith(SIGNATURES["hmac-sha256-hex"]));
    const headers = declarativeHeaders(spec.signature, SAMPLE, NOW);
    const upper = { ...headers, "X-Acme-Signature": `sha256=${headers["X-Acme-Signature"]!.slice(7).toUpperCase()}` };
    await expect(declarativeAdapter(spec).verify(request(SAMPLE, upper), {}, NOW)).resolves.toBeUndefined();
  });

  it("without an items pointer the body is the one item", async () => {
    const spec = specWith(SIGNATURES["shared-token"]);
    const adapter = declarativeAdapter({ ...spec, inbound: { ...spec.inbound, items: undefined } });
    const body = JSON.stringify({ id: "m1", conversation: { id: "c1" }, sender: { id: "s1" }, message: { text: "solo" } });
    expect((await adapter.parse(request(body, {}), {})).items).toMatchObject([{ providerMessageId: "m1", externalThreadId: "c1", parts: [{ type: "text", text: "solo" }] }]);
  });
});

describe("declarative channel: malformed input", () => {
  const adapter = declarativeAdapter(specWith(SIGNATURES["shared-token"]));

  it("400 for non-JSON, 422 for the wrong shape", async () => {
    await rejects(adapter.parse(request("<xml/>", {}), {}), 400);
    await rejects(adapter.parse(request('{"events": {"not": "an array"}}', {}), {}), 422);
    await rejects(adapter.parse(request('{"events": [{"id": "e1", "sender": {"id": "s"}, "message": {"text": "x"}}]}', {}), {}), 422);
    await rejects(adapter.parse(request('{"events": [{"id": "e1", "conversation": {"id": "c"}, "sender": {"id": "s"}, "message": {"image": {"url": "ftp://x"}}}]}', {}), {}), 422);
    await rejects(adapter.parse(request(JSON.stringify({ events: new Array(101).fill({}) }), {}), {}), 422);
  });
});

const events = fc.array(
  fc.record(
    { id: fc.jsonValue(), conversation: fc.record({ id: fc.jsonValue() }), sender: fc.jsonValue(), message: fc.record({ text: fc.jsonValue(), image: fc.record({ url: fc.oneof(fc.string(), fc.webUrl()) }) }) },
    { requiredKeys: [] },
  ),
  { maxLength: 4 },
);

parseNeverCrashes({
  name: "declarative channel:",
  adapter: declarativeAdapter(specWith(SIGNATURES["shared-token"])),
  config: {},
  request: (bytes) => ({ ...request("", {}), rawBody: bytes }),
  cases: { "on arbitrary bytes or JSON": fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.json(), events.map((e) => JSON.stringify({ events: e }))) },
});

describe("declarative channel: spec validation", () => {
  const ok = specWith(SIGNATURES["hmac-sha256-hex"]);

  it("accepts the sample and rejects what cannot work", () => {
    expect(DeclarativeChannelSpec.safeParse(ok).success).toBe(true);
    const bad: unknown[] = [
      { ...ok, slug: "Acme Chat" },
      { ...ok, slug: "-acme" },
      { ...ok, inbound: { ...ok.inbound, thread_id: "conversation/id" } },
      { ...ok, inbound: { ...ok.inbound, message_id: "/a~2" } },
      { ...ok, outbound: { ...ok.outbound, url: "https://x.stub/{secret}" } },
      { ...ok, outbound: { ...ok.outbound, url: "ftp://x.stub/" } },
      { ...ok, outbound: { ...ok.outbound, headers: { "Bad Header": "x" } } },
      { ...ok, signature: { scheme: "hmac-sha256-hex", secret: "s" } },
      { ...ok, signature: { scheme: "standard-webhooks", secret: "not base64!" } },
      { ...ok, signature: { scheme: "md5", header: "X", secret: "s" } },
    ];
    for (const spec of bad) expect(DeclarativeChannelSpec.safeParse(spec).success).toBe(false);
  });
});

describe("declarative channel: send", () => {
  const adapter = declarativeAdapter(specWith(SIGNATURES["hmac-sha256-hex"]));
  const reply: OutboundReply = { messageId: "msg 9", externalThreadId: "conv/42", parts: [{ type: "text", text: 'She said "hi"' }], metadata: {} };
  const config = { workspace: "ws-1", api_key: "k-123" };

  it("renders the URL, headers and body templates", async () => {
    expect(await adapter.send(reply, config)).toEqual([
      {
        url: "https://api.acme-chat.stub/v2/conversations/conv%2F42/messages?workspace=ws-1",
        method: "PUT",
        headers: { authorization: "Bearer k-123", "x-idempotency-key": "msg 9", "content-type": "application/json" },
        body: JSON.stringify({ type: "text", text: 'She said "hi"', conversation: "conv/42", ref: "msg 9", extra: [{ notify: true, n: 1 }, 'She said "hi"', "not {{text}}", null] }),
      },
    ]);
  });

  it("refuses missing config values, header injection and empty replies with 422", async () => {
    await rejects(adapter.send(reply, { workspace: "ws-1" }), 422);
    await rejects(adapter.send(reply, { ...config, api_key: "k\r\nX-Evil: 1" }), 422);
    await rejects(adapter.send({ ...reply, parts: [] }, config), 422);
  });

  it("reads the provider id at response_id", () => {
    expect(adapter.sendOutcome(201, '{"data":{"message":{"id":"pm_77"}}}')).toEqual({ ok: true, providerMessageId: "pm_77" });
    expect(adapter.sendOutcome(200, "not json")).toEqual({ ok: true });
    expect(adapter.sendOutcome(422, "{}")).toMatchObject({ ok: false, retryable: false });
    expect(adapter.sendOutcome(429, "{}")).toMatchObject({ ok: false, retryable: true });
    expect(adapter.sendOutcome(503, "{}")).toMatchObject({ ok: false, retryable: true });
  });
});
