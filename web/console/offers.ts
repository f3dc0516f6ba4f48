import type { OfferFrame } from "../../shared/desk-protocol";

/** Open offers in arrival order; a restated offer (hello after a reconnect) keeps its place. */
export function addOffer(offers: readonly OfferFrame[], offer: OfferFrame): OfferFrame[] {
  return offers.some((o) => o.offer_id === offer.offer_id) ? offers.map((o) => (o.offer_id === offer.offer_id ? offer : o)) : [...offers, offer];
}

export function dropOffer(offers: readonly OfferFrame[], offerId: string): OfferFrame[] {
  return offers.filter((o) => o.offer_id !== offerId);
}

/** The offer the "a" shortcut accepts: the latest one still open. */
export function newestOffer(offers: readonly OfferFrame[], now: number): OfferFrame | null {
  for (let i = offers.length - 1; i >= 0; i--) if (offers[i]!.expires_at > now) return offers[i]!;
  return null;
}

/** Share of the offer's time left, 0…1, from when the console first saw it. */
export function timeLeft(offer: Pick<OfferFrame, "expires_at">, seenAt: number, now: number): number {
  const total = offer.expires_at - seenAt;
  return total <= 0 ? 0 : Math.min(1, Math.max(0, (offer.expires_at - now) / total));
}
