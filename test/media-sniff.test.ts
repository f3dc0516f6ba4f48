import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admitUpload, MAGIC, mediaType, sniff, UPLOAD_TYPES } from "../shared/media-sniff";

const bytesOf = (prefix: readonly (number | null)[], fill: number) => prefix.map((b) => b ?? fill);

describe("sniff", () => {
  it("never throws on random bytes and only answers upload types or null", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const type = sniff(bytes);
        expect(type === null || (UPLOAD_TYPES as readonly string[]).includes(type)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("maps each magic prefix, followed by anything, to its type", () => {
    fc.assert(
      fc.property(fc.constantFrom(...MAGIC), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 }), (m, fill, rest) => {
        expect(sniff(Uint8Array.from([...bytesOf(m.prefix, fill), ...rest]))).toBe(m.type);
      }),
    );
  });

  it("reads any well-formed text without NUL as text/plain, and refuses NUL or broken UTF-8", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }), (s) => {
        fc.pre(!s.includes("\0") && !MAGIC.some((m) => m.prefix.every((b, i) => b === null || s.charCodeAt(i) === b)));
        expect(sniff(new TextEncoder().encode(s))).toBe("text/plain");
        expect(sniff(new TextEncoder().encode(`${s}\0`))).toBeNull();
      }),
    );
    expect(sniff(Uint8Array.from([0x68, 0x69, 0xc3]))).toBeNull();
    expect(sniff(Uint8Array.from([0xed, 0xa0, 0x80]))).toBeNull();
    expect(sniff(new Uint8Array(0))).toBeNull();
  });

  it("a truncated signature is not that type", () => {
    expect(sniff(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(sniff(new TextEncoder().encode("RIFF\x00\x00\x00\x00WAVE"))).not.toBe("image/webp");
  });
});

describe("admitUpload", () => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

  it("accepts the declared type when the bytes are that type, parameters and case aside", () => {
    expect(admitUpload("image/png", png)).toEqual({ ok: true, type: "image/png" });
    expect(admitUpload("Text/Plain; charset=UTF-8", new TextEncoder().encode("héllo 你好"))).toEqual({ ok: true, type: "text/plain" });
  });

  it("refuses a mismatch and any type outside the list, whatever the bytes", () => {
    expect(admitUpload("image/jpeg", png)).toMatchObject({ ok: false, reason: "declared image/jpeg, but the content is image/png" });
    expect(admitUpload("application/pdf", Uint8Array.from([0, 1, 2]))).toMatchObject({ ok: false });
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,10}\/[a-z0-9.+-]{1,20}$/), fc.uint8Array({ maxLength: 32 }), (declared, bytes) => {
        fc.pre(!(UPLOAD_TYPES as readonly string[]).includes(declared));
        expect(admitUpload(declared, bytes).ok).toBe(false);
      }),
    );
    expect(admitUpload(null, png).ok).toBe(false);
  });

  it("mediaType drops parameters and folds case", () => {
    expect(mediaType(" IMAGE/PNG ; q=1")).toBe("image/png");
    expect(mediaType(undefined)).toBe("");
  });
});
