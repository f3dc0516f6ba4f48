/** Twilio Voice signs exactly like SMS; recording callbacks come back to URLs carrying the phone pair. */
export { twilioRequest, twilioSignature } from "./sms";

/** The callback URL the voice adapter's answer TwiML hands Twilio for recordings and transcriptions. */
export function voiceCallbackUrl(webhookUrl: string, ourNumber: string, customer: string): string {
  const u = new URL(webhookUrl);
  u.searchParams.set("ed_number", ourNumber);
  u.searchParams.set("ed_customer", customer);
  return u.toString();
}
