/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import type { InboundItem, InboundMessage } from "../../workers/channels/adapter";
import { parseEmail, type EmailOptions } from "../../workers/channels/email";
import rfc3464Simple from "../fixtures/email/rfc3464-simple-dsn.eml?raw";
import rfc3464Multi from "../fixtures/email/rfc3464-multi-recipient-dsn.eml?raw";
import postfix from "../fixtures/email/postfix-dsn-headers.eml?raw";
import delayed from "../fixtures/email/delayed-dsn.eml?raw";
import delivered from "../fixtures/email/delivered-dsn.eml?raw";
import exim from "../fixtures/email/exim-bounce.eml?raw";
import gmail from "../fixtures/email/gmail-bounce.eml?raw";
import qmail from "../fixtures/email/qmail-bounce.eml?raw";
import exchange from "../fixtures/email/exchange-ndr.eml?raw";
import mdn from "../fixtures/email/mdn-displayed.eml?raw";
import autoReplied from "../fixtures/email/rfc3834-auto-replied.eml?raw";
import outlook from "../fixtures/email/outlook-automatic-reply.eml?raw";
import icloud from "../fixtures/email/icloud-vacation.eml?raw";
import newsletter from "../fixtures/email/list-newsletter.eml?raw";
import simple from "../fixtures/email/rfc5322-a1-simple.eml?raw";

const ours: EmailOptions = { domain: "mail.acme.example" };
const parse = (raw: string, options: EmailOptions = ours) => parseEmail(new TextEncoder().encode(raw), options);

function message(items: InboundItem[]): InboundMessage {
  expect(items).toHaveLength(1);
  expect(items[0]!.kind).toBe("message");
  return items[0] as InboundMessage;
}

describe("delivery-status reports on our mail become statuses of it, never messages", () => {
  it("RFC 3464 §10.1 simple DSN: failed, with status and diagnostic, for the returned message's Message-ID", async () => {
    expect(await parse(rfc3464Simple)).toEqual([
      {
        kind: "status",
        providerMessageId: "msg_0a1b2c3d4e5f60718293a4b5c6d7e8f9@mail.acme.example",
        status: "failed",
        reason: "4.0.0 426 connection timed out",
        occurredAt: Date.parse("1994-07-07T21:16:05Z"),
      },
    ]);
  });

  it("RFC 3464 §10.2 multi-recipient DSN: the failed recipients' reasons, the delayed one does not count", async () => {
    const [item, ...rest] = await parse(rfc3464Multi);
    expect(rest).toEqual([]);
    expect(item).toMatchObject({
      kind: "status",
      providerMessageId: "msg_1f2e3d4c5b6a79880796a5b4c3d2e1f0@mail.acme.example",
      status: "failed",
      reason: "5.0.0 550 'arathib@vnet.IBM.COM' is not a registered gateway user; 5.0.0 550 user unknown",
    });
  });

  it("Postfix report returning only the headers (text/rfc822-headers), folded Diagnostic-Code", async () => {
    expect(await parse(postfix)).toEqual([
      {
        kind: "status",
        providerMessageId: "msg_5e6f708192a3b4c5d6e7f8091a2b3c4d@mail.acme.example",
        status: "failed",
        reason: "5.1.1 550 5.1.1 <nobody@customer.example>: Recipient address rejected: User unknown in virtual mailbox table",
        occurredAt: Date.parse("2025-01-14T10:02:11Z"),
      },
    ]);
  });

  it("Action: delayed changes nothing: the MTA is still trying", async () => {
    expect(await parse(delayed)).toEqual([]);
  });

  it("Action: delivered is a delivered status", async () => {
    expect(await parse(delivered)).toEqual([
      { kind: "status", providerMessageId: "msg_77aa88bb99cc00dd11ee22ff33004455@mail.acme.example", status: "delivered", occurredAt: Date.parse("2025-01-14T10:02:12Z") },
    ]);
  });

  it("a read receipt (RFC 8098, Disposition …; displayed) is a read status", async () => {
    expect(await parse(mdn)).toMatchObject([{ kind: "status", providerMessageId: "msg_5e6f708192a3b4c5d6e7f8091a2b3c4d@mail.acme.example", status: "read" }]);
  });
});

describe("bounces without a delivery-status part", () => {
  it("Exim: X-Failed-Recipients, the original after the copy marker", async () => {
    expect(await parse(exim)).toMatchObject([
      { kind: "status", providerMessageId: "msg_c0ffee00c0ffee00c0ffee00c0ffee00@mail.acme.example", status: "failed", reason: "5.1.1 550 5.1.1 <gone@customer.example>: mailbox unavailable" },
    ]);
  });

  it("Gmail: mailer-daemon with X-Failed-Recipients and the original message in the body", async () => {
    expect(await parse(gmail)).toMatchObject([
      { kind: "status", providerMessageId: "msg_d15ea5e0d15ea5e0d15ea5e0d15ea5e0@mail.acme.example", status: "failed", reason: "5.1.1 550 5.1.1 <userunknown@customer.example>... User Unknown" },
    ]);
  });

  it("qmail: only MAILER-DAEMON and the copy tell it is a bounce; an IP address is not a status code", async () => {
    const [item] = await parse(qmail);
    expect(item).toMatchObject({ kind: "status", providerMessageId: "msg_0ddba11000000000000000000000cafe@mail.acme.example", status: "failed" });
    expect((item as { reason: string }).reason).toMatch(/^5\.5\.0 .*said: 550 Unknown user kijitora@customer\.example$/);
  });

  it("Exchange Online NDR whose report lacks the delivery-status part: read from the text", async () => {
    expect(await parse(exchange)).toMatchObject([
      {
        kind: "status",
        providerMessageId: "msg_abcdefabcdefabcdefabcdefabcdef01@mail.acme.example",
        status: "failed",
        reason: "5.1.10 Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'",
      },
    ]);
  });
});

describe("machine mail that concerns none of our messages is an event, never a customer message", () => {
  it("a bounce of someone else's mail (backscatter) is kept as an event, not a status", async () => {
    const m = message(await parse(rfc3464Simple, { domain: "other.example" }));
    expect(m.event).toBe(true);
    expect(m.metadata).toMatchObject({
      automated: "report: delivery-status",
      report: { type: "delivery-status", outcome: "failed", original_message_ids: ["msg_0a1b2c3d4e5f60718293a4b5c6d7e8f9@mail.acme.example"], reason: "4.0.0 426 connection timed out" },
    });
    expect(m.blobs).toBeUndefined();
    // the returned message is evidence: listed, not stored
    expect(m.metadata.attachments).toEqual([expect.objectContaining({ mime_type: "message/delivery-status" }), expect.objectContaining({ mime_type: "message/rfc822" })]);
  });

  it("without a domain, every reported Message-ID is a candidate (the provider-id lookup decides)", async () => {
    expect(await parse(postfix, {})).toMatchObject([{ kind: "status", status: "failed" }]);
  });
});

describe("auto-replies (RFC 3834 and vendors' headers) and bulk mail are events in their thread", () => {
  it("Auto-Submitted: auto-replied threads into the conversation it answers, as an event", async () => {
    const m = message(await parse(autoReplied));
    expect(m).toMatchObject({
      event: true,
      externalThreadId: "1234@local.machine.example",
      providerMessageId: "ooo-7741@machine.example",
      contact: { externalId: "jdoe@machine.example", email: "jdoe@machine.example", name: "John Doe" },
      parts: [{ type: "text", text: "I am away until December 1st and will read your message when I return.\n\nJohn" }],
      occurredAt: Date.parse("1997-11-21T16:05:00Z"),
    });
    expect(m.metadata).toMatchObject({ auto_submitted: "auto-replied", automated: "Auto-Submitted: auto-replied" });
  });

  it("Outlook/Exchange 'Automatic reply' carries no Auto-Submitted, only X-Auto-Response-Suppress", async () => {
    const m = message(await parse(outlook));
    expect(m.event).toBe(true);
    expect(m.metadata.automated).toBe("X-Auto-Response-Suppress: All");
    // Exchange sends no In-Reply-To: the auto-reply starts a thread of its own (stored, never routed)
    expect(m.externalThreadId).toBe("fb1b2d9ea3df46d9839a6dcb99410ebb@exch01.example.net");
  });

  it("iCloud vacation: X-Apple-Action: VACATION", async () => {
    const m = message(await parse(icloud));
    expect(m).toMatchObject({ event: true, externalThreadId: "1234@local.machine.example", metadata: { automated: "X-Apple-Action: VACATION" } });
  });

  it("list mail (List-Id / List-Unsubscribe) is an event", async () => {
    expect(message(await parse(newsletter))).toMatchObject({ event: true, metadata: { automated: "List-Id: Shop weekly deals <deals.lists.shop.example>" } });
  });

  it.each([
    ["Auto-Submitted: auto-generated", "Auto-Submitted: auto-generated"],
    ["Auto-Submitted: auto-notified; owner-email=\"a@b.example\"", "Auto-Submitted: auto-notified; owner-email=\"a@b.example\""],
    ["X-Autoreply: yes", "x-autoreply: yes"],
    ["X-Autorespond: on", "x-autorespond: on"],
    ["Precedence: bulk", "Precedence: bulk"],
    ["Precedence: junk", "Precedence: junk"],
    ["Precedence: list", "Precedence: list"],
    ["Precedence: auto_reply", "Precedence: auto_reply"],
    ["List-Unsubscribe: <mailto:u@list.example>", "List-Unsubscribe: <mailto:u@list.example>"],
    ["Return-Path: <>", "Return-Path: <>"],
  ])("%s marks the message automated", async (headerLine, signal) => {
    const m = message(await parse(simple.replace("Subject:", `${headerLine}\r\nSubject:`)));
    expect(m).toMatchObject({ event: true, metadata: { automated: signal } });
  });

  it.each(["Auto-Submitted: no", "Auto-Submitted: No (a person wrote this)", "Precedence: first-class"])("%s is a person's mail", async (headerLine) => {
    const m = message(await parse(simple.replace("Subject:", `${headerLine}\r\nSubject:`)));
    expect(m.event).toBeUndefined();
    expect(m.metadata.automated).toBeUndefined();
  });

  it("a null envelope sender (MAIL FROM:<>) is a notification", async () => {
    const m = message(await parse(simple, { ...ours, envelope: { from: "<>", to: "ten_1@inbound.acme.example" } }));
    expect(m.metadata.automated).toBe("Return-Path: <>");
  });
});
