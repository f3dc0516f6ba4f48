import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { DeskSocket } from "../../sdk/socket";
import { DeskServerFrame, type OfferFrame } from "../../shared/desk-protocol";
import type { AgentStatus } from "../../shared/routing/schemas";
import { accessToken } from "../lib/session";
import { addOffer, dropOffer } from "./offers";

export type DeskConnection = "connecting" | "connected" | "reconnecting" | "offline";

export type DeskEvents = {
  onOffer: (o: OfferFrame) => void;
  onAssigned: (conversationId: string) => void;
  /** Anything that may change the lists. */
  onActivity: () => void;
};

/** The agent's desk socket: status, offers and assignments; each connection's hello restates status and open offers. */
export function useDesk(me: string, events: DeskEvents) {
  const [status, setStatusState] = useState<AgentStatus | null>(null);
  const [offers, setOffers] = useState<OfferFrame[]>([]);
  const [connection, setConnection] = useState<DeskConnection>("connecting");
  const [error, setError] = useState<string | null>(null);
  const desk = useRef<DeskSocket | null>(null);
  const chosen = useRef<AgentStatus | null>(null);
  const on = useRef(events);
  on.current = events;

  useEffect(() => {
    const sock = new DeskSocket({ baseUrl: location.origin, token: accessToken, parse: (f) => DeskServerFrame.parse(f) });
    desk.current = sock;
    // A reconnected console says again what the agent chose, in case the desk lost it with the connection.
    sock.on("open", () => {
      setConnection("connected");
      if (chosen.current && chosen.current !== "offline") sock.setStatus(chosen.current);
    });
    sock.on("disconnect", (e) => setConnection(e.retry_in_ms === null ? "offline" : "reconnecting"));
    sock.on("hello", (f) => {
      if (!chosen.current) setStatusState(f.status);
      setOffers(f.offers);
      setError(null);
    });
    sock.on("offer", (f) => {
      const { type: _t, ...offer } = f;
      setOffers((o) => addOffer(o, offer));
      on.current.onOffer(offer);
      on.current.onActivity();
    });
    sock.on("offer_revoked", (f) => setOffers((o) => dropOffer(o, f.offer_id)));
    sock.on("offer_expired", (f) => setOffers((o) => dropOffer(o, f.offer_id)));
    sock.on("assigned", (f) => {
      setOffers((o) => dropOffer(o, f.offer_id));
      if (f.agent_id === me) on.current.onAssigned(f.conversation_id);
      on.current.onActivity();
    });
    sock.on("agent_status", (f) => {
      if (f.agent_id !== me) return;
      chosen.current = f.status;
      setStatusState(f.status);
    });
    sock.on("queue", () => on.current.onActivity());
    sock.on("error", (f) => setError(f.message));
    return () => {
      sock.close();
      desk.current = null;
    };
  }, [me]);

  const setStatus = useCallback((s: AgentStatus) => {
    chosen.current = s;
    setStatusState(s);
    desk.current?.setStatus(s);
  }, []);
  const accept = useCallback((offerId: string) => desk.current?.accept(offerId), []);
  const reject = useCallback((offerId: string) => {
    desk.current?.reject(offerId);
    setOffers((o) => dropOffer(o, offerId));
  }, []);

  return { status, setStatus, offers, connection, error, accept, reject };
}
