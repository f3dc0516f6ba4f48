/** What a mail provider posting raw MIME to the HTTP endpoint sends. */
export function emailHeaders(inboundToken: string): Record<string, string> {
  return { "x-edgedesk-mail-token": inboundToken, "content-type": "message/rfc822" };
}
