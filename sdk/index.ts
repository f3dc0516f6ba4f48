export { createClient, unwrap, paginate, idempotencyKey, EdgedeskError, REQUEST_ID_HEADER, IDEMPOTENCY_HEADER } from "./rest";
export type { ClientOptions, EdgedeskClient, FieldError, Page, Success, TokenSource } from "./rest";
export { ConversationSocket, DeskSocket } from "./socket";
export type { ConversationSocketOptions, DeskSocketOptions, Events, Lifecycle, SocketConstructor, SocketLike, SocketOptions, Timers } from "./socket";
export { backoffDelay, DEFAULT_BACKOFF } from "./reconnect";
export type { Backoff } from "./reconnect";
export type { ClientFrame, ServerFrame } from "../shared/protocol";
export type { DeskClientFrame, DeskServerFrame } from "../shared/desk-protocol";
export type { ContentPart, StandardMessage } from "../shared/message";
