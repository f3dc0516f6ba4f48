/// <reference types="vite/client" />
/**
 * Twilio request signatures exactly as twilio-node validates them: its published vectors, URL variants (port,
 * credentials, legacy query encoding), repeated parameters, and bodySHA256 JSON deliveries.
 */
import fc from "fast-check";
import querystring from "node:querystring";
import { describe, expect, it } from "vitest";
import type { InboundRequest } from "../../workers/channels/adapter";
import { smsAdapter } from "../../workers/channels/sms";
import { legacyQuerystring, signedUrlVariants, validateRequest, validateRequestWithBody, verifyTwilio } from "../../workers/channels/twilio";
import published from "../fixtures/sms/twilio-node-vectors.json";
import { expectedSignature, formBody, twilioJsonRequest } from "../signers/twilio";
import type { SignedParams } from "../signers/twilio";
import { rejects } from "./support";

type Vector = { name: string; token: string; signature: string; url: string; valid: boolean };
const vectors = published as unknown as {
  validateRequest: (Vector & { params: SignedParams })[];
  validateRequestWithBody: (Vector & { body: string })[];
  urlVariants: { name: string; token: string; signedUrl: string; requestUrl: string; valid: boolean }[];
};
const enc = new TextEncoder();
const pairs = (params: SignedParams): [string, string][] => [...new URLSearchParams(formBody(params))];

function post(url: string, body: string, headers: Record<string, string>): InboundRequest {
  return { method: "POST", url, headers: new Headers(headers), rawBody: enc.encode(body) };
}

describe("twilio-node's published vectors, exactly", () => {
  it.each(vectors.validateRequest)("validateRequest: $name", async (v) => {
    expect(await validateRequest(v.token, v.signature, v.url, pairs(v.params))).toBe(v.valid);
  });

  it.each(vectors.validateRequestWithBody)("validateRequestWithBody: $name", async (v) => {
    expect(await validateRequestWithBody(v.token, v.signature, v.url, enc.encode(v.body))).toBe(v.valid);
  });

  it.each(vectors.urlVariants)("webhooks.spec: $name", async (v) => {
    const signature = expectedSignature(v.token, v.signedUrl, {});
    expect(await validateRequest(v.token, signature, v.requestUrl, [])).toBe(v.valid);
  });

  it("the independent signer reproduces every published signature it is given", () => {
    for (const v of vectors.validateRequest.filter((x) => x.valid && !/@|:1234|'/.test(x.url))) {
      const candidates = [v.url, v.url.replace(".com/", ".com:443/").replace("http://mycompany.com:443", "http://mycompany.com:80")];
      expect(candidates.map((u) => expectedSignature(v.token, u, v.params))).toContain(v.signature);
    }
  });
});

describe("the same vectors through the webhook verification", () => {
  const base = vectors.validateRequest[0]!;

  it("a form POST of the published parameters, in any order, with the port variants", async () => {
    for (const v of vectors.validateRequest.filter((x) => !x.url.includes("@") && !x.url.includes("'"))) {
      const req = post(v.url, formBody(v.params), { "x-twilio-signature": v.signature });
      if (v.valid) await expect(verifyTwilio(req, v.token)).resolves.toBeUndefined();
      else await rejects(verifyTwilio(req, v.token), 401);
    }
  });

  it("credentials in the configured URL arrive as Basic authorization and are part of what was signed", async () => {
    const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const body = formBody(base.params);
    for (const [signature, auth] of [
      ["CukzLTc1tT5dXEDIHm/tKBanW10=", btoa("user:pass")],
      ["ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=", btoa("user:pass")],
      ["2YRLlVAflCqxaNicjMpJcSTgzSs=", btoa("user")],
    ] as const) {
      await expect(verifyTwilio(post(url, body, { "x-twilio-signature": signature, authorization: `Basic ${auth}` }), "12345")).resolves.toBeUndefined();
      // Without the credentials the signed URL cannot be rebuilt, and other credentials are another URL.
      await rejects(verifyTwilio(post(url, body, { "x-twilio-signature": signature }), "12345"), 401);
      await rejects(verifyTwilio(post(url, body, { "x-twilio-signature": signature, authorization: `Basic ${btoa("user:other")}` }), "12345"), 401);
    }
    // A URL signed without credentials still verifies when the request also carries some.
    await expect(verifyTwilio(post(url, body, { "x-twilio-signature": base.signature, authorization: `Basic ${btoa("user:pass")}` }), "12345")).resolves.toBeUndefined();
  });

  it("a repeated parameter counts each distinct value once, sorted, whatever order the form has", async () => {
    const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const body = "Sid=CA123&Digits=5678&SidAccount=AC123&Digits=1234&Digits=1234";
    await expect(verifyTwilio(post(url, body, { "x-twilio-signature": "IK+Dwps556ElfBT0I3Rgjkr1wJU=" }), "12345")).resolves.toBeUndefined();
    await rejects(verifyTwilio(post(url, `${body}&Digits=9`, { "x-twilio-signature": "IK+Dwps556ElfBT0I3Rgjkr1wJU=" }), "12345"), 401);
  });

  it("a GET webhook signs its URL alone", async () => {
    const url = "https://mycompany.com/myapp.php?foo=1&bar=2&From=%2B14158675309";
    const req: InboundRequest = { method: "GET", url, headers: new Headers({ "x-twilio-signature": expectedSignature("12345", url, {}) }), rawBody: new Uint8Array() };
    await expect(verifyTwilio(req, "12345")).resolves.toBeUndefined();
  });
});

describe("bodySHA256 JSON deliveries", () => {
  const v = vectors.validateRequestWithBody[0]!;

  it("the published JSON vector is accepted by the SMS channel, and a tampered body or hash is refused", async () => {
    const cfg = smsAdapter.config.parse({ account_sid: `AC${"a".repeat(32)}`, auth_token: v.token });
    const headers = { "content-type": "application/json", "x-twilio-signature": v.signature };
    await expect(smsAdapter.verify(post(v.url, v.body, headers), cfg, 0)).resolves.toBeUndefined();
    await rejects(smsAdapter.verify(post(v.url, v.body.replace("value", "valuE"), headers), cfg, 0), 401);
    await rejects(smsAdapter.verify(post(v.url, `${v.body} `, headers), cfg, 0), 401);
    await rejects(smsAdapter.verify(post(v.url.replace(/bodySHA256=[0-9a-f]+/, `bodySHA256=${"0".repeat(64)}`), v.body, headers), cfg, 0), 401);
    await rejects(smsAdapter.verify(post(v.url, v.body, { ...headers, "x-twilio-signature": "a9nBmqA0ju/hNViExpshrM61xv5=" }), cfg, 0), 401);
  });

  it("any JSON body signed as Twilio signs it verifies; changing one byte does not", async () => {
    await fc.assert(
      fc.asyncProperty(fc.json({ maxDepth: 2 }), fc.nat({ max: 1000 }), async (body, at) => {
        const r = twilioJsonRequest("tok", "https://edge.example/webhooks/ten_1/sms?x=1", body);
        await expect(verifyTwilio(post(r.url, r.body, r.headers), "tok")).resolves.toBeUndefined();
        const bytes = enc.encode(body);
        bytes[at % bytes.length]! ^= 1;
        await rejects(verifyTwilio({ ...post(r.url, "", r.headers), rawBody: bytes }, "tok"), 401);
      }),
      { numRuns: 40 },
    );
  });
});

describe("URL variants", () => {
  it("are twilio-node's: without the port, with the default port, and the legacy query encoding", () => {
    // Re-parsing drops a default port again, so twilio-node's fourth variant is its third.
    expect(signedUrlVariants("https://example.com/path?test=param'WithQuote")).toEqual([
      "https://example.com/path?test=param%27WithQuote",
      "https://example.com:443/path?test=param%27WithQuote",
      "https://example.com/path?test=param'WithQuote",
    ]);
    expect(signedUrlVariants("http://user:pass@example.com:8080/p")).toEqual(["http://user:pass@example.com/p", "http://user:pass@example.com:8080/p"]);
    expect(signedUrlVariants("http://example.com/p?a=1+2&b")).toEqual(["http://example.com/p?a=1+2&b", "http://example.com:80/p?a=1+2&b", "http://example.com/p?a=1%202&b="]);
  });

  it("the legacy query encoding is Node's querystring.parse then stringify", () => {
    const piece = fc.stringMatching(/^[A-Za-z0-9%+'!*()~._ &=\-\u00e9\u4e2d]{0,12}$/);
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
        const query = new URL(`https://x.example/?${pieces.join("&")}`).search.slice(1);
        expect(legacyQuerystring(query)).toBe(querystring.stringify(querystring.parse(query)));
      }),
      { numRuns: 300 },
    );
    for (const q of ["2=x&b=1&1=y", "a=%zz&a=%E9", "=v&k", "a=1&&a=2"]) expect(legacyQuerystring(q)).toBe(querystring.stringify(querystring.parse(q)));
  });
});
