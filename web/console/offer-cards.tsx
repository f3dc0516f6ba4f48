import { useEffect, useState } from "preact/hooks";
import type { OfferFrame } from "../../shared/desk-protocol";
import { contactName, countdown } from "../lib/format";
import { contactProfile, getConversation, insights, messagesAfter } from "./api";
import { timeLeft } from "./offers";
import { channelLabel } from "./labels";
import { preview } from "./timeline";

/** What an agent needs to decide on an offer; the desk's frame carries only ids. */
export type OfferDetails = { customer: string; channel: string; intent: string | null; firstMessage: string | null };

const sentenceCase = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const details = new Map<string, Promise<OfferDetails>>();

/** Loaded once per conversation: the notification and the card read the same answer. */
export function offerDetails(conversationId: string): Promise<OfferDetails> {
  let d = details.get(conversationId);
  if (!d) {
    d = (async () => {
      const conv = await getConversation(conversationId);
      const [contact, page, ins] = await Promise.all([
        contactProfile(conv.contact_id).catch(() => null),
        messagesAfter(conversationId, 0, 20),
        insights(conversationId).catch(() => null),
      ]);
      const first = page.data.find((m) => m.sender.kind === "customer");
      return {
        customer: contactName(contact ?? { id: conv.contact_id }),
        channel: channelLabel(conv.channel),
        intent: ins?.intent && ins.intent.intent !== "unknown" ? sentenceCase(ins.intent.intent.replace(/_/g, " ")) : null,
        firstMessage: first ? preview(first.parts) : null,
      };
    })();
    d.catch(() => details.delete(conversationId));
    details.set(conversationId, d);
  }
  return d;
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(t);
  }, [everyMs]);
  return now;
}

function OfferCard(props: { offer: OfferFrame; seenAt: number | undefined; now: number; onAccept: () => void; onReject: () => void }) {
  // Offers restated by a reconnect's hello were not seen arriving: their bar starts full from now.
  const [seenAt] = useState(() => props.seenAt ?? Date.now());
  const [d, setD] = useState<OfferDetails | null>(null);
  const [error, setError] = useState(false);
  useEffect(() => {
    let live = true;
    offerDetails(props.offer.conversation_id).then(
      (x) => live && setD(x),
      () => live && setError(true),
    );
    return () => {
      live = false;
    };
  }, [props.offer.conversation_id]);
  const left = timeLeft(props.offer, seenAt, props.now);
  return (
    <li class="offer" data-testid="offer" aria-label={`Offer from ${d?.customer ?? "a customer"}`}>
      <div class="offer-head">
        <strong class="offer-customer">{d ? d.customer : error ? "A customer" : "Loading…"}</strong>
        <span class="offer-countdown" data-testid="offer-countdown" aria-label="Time left to accept">
          {countdown(props.offer.expires_at, props.now)}
        </span>
      </div>
      <div class="offer-bar" aria-hidden="true">
        <span style={{ width: `${Math.round(left * 100)}%` }} />
      </div>
      {d && (
        <>
          <p class="offer-meta">
            {d.channel}
            {d.intent && <> · {d.intent}</>}
          </p>
          <p class="offer-message">{d.firstMessage ? `“${d.firstMessage}”` : <span class="muted">No message yet</span>}</p>
        </>
      )}
      <div class="offer-actions">
        <button type="button" class="primary" data-testid="offer-accept" onClick={props.onAccept}>
          Accept
        </button>
        <button type="button" data-testid="offer-reject" onClick={props.onReject}>
          Reject
        </button>
      </div>
    </li>
  );
}

export function OfferCards(props: { offers: OfferFrame[]; seen: ReadonlyMap<string, number>; onAccept: (id: string) => void; onReject: (id: string) => void }) {
  const now = useNow(1000);
  if (props.offers.length === 0) return null;
  return (
    <section class="offers" aria-label="Incoming offers" aria-live="polite">
      <h2>Offers</h2>
      <ul>
        {props.offers.map((o) => (
          <OfferCard key={o.offer_id} offer={o} seenAt={props.seen.get(o.offer_id)} now={now} onAccept={() => props.onAccept(o.offer_id)} onReject={() => props.onReject(o.offer_id)} />
        ))}
      </ul>
    </section>
  );
}
