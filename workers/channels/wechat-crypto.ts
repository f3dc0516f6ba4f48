/**
 * WeChat's message encryption (安全模式 and 兼容模式), as Tencent's WXBizMsgCrypt samples implement it:
 *
 * - EncodingAESKey: 43 base64 characters; with "=" appended it decodes to the 32-byte AES-256 key.
 * - AES-256-CBC, IV = the key's first 16 bytes, PKCS#7 padding to a multiple of 32 bytes (not AES's 16).
 * - plaintext = 16 random bytes ‖ 4-byte big-endian length of the message ‖ message (UTF-8) ‖ appid.
 * - msg_signature = hex SHA-1 of the sorted [token, timestamp, nonce, Encrypt].
 *
 * Only decryption is here: replies go out through the customer-service API, never as encrypted passive replies.
 */
import { fromBase64, toHex } from "../../shared/crypto";
import { ChannelError, utf8 } from "./adapter";

const BLOCK = 16;
const PAD_BLOCK = 32;
const RANDOM_BYTES = 16;

/** The WeChat console's EncodingAESKey: 43 characters of A-Z, a-z, 0-9. */
export const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;

export async function wechatMsgSignature(token: string, timestamp: string, nonce: string, encrypt: string): Promise<string> {
  const joined = [token, timestamp, nonce, encrypt].sort().join("");
  return toHex(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(joined)));
}

/** 43 characters (ENCODING_AES_KEY) carry 258 bits; with "=" the decoder drops the last 2, as every WeChat SDK does. */
function aesKey(encodingAesKey: string): Uint8Array {
  return fromBase64(`${encodingAesKey}=`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * AES-256-CBC without padding removal. Web Crypto insists on PKCS#7 over 16-byte blocks and refuses WeChat's
 * 17..32-byte pads, so one more ciphertext block is appended that decrypts to a full 16-byte pad (E(pad ⊕ last
 * block), computed by encrypting the pad with the last block as IV); Web Crypto strips exactly that block and
 * returns the original plaintext untouched.
 */
async function decryptRaw(keyBytes: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", keyBytes.slice(), "AES-CBC", false, ["encrypt", "decrypt"]);
  const last = ciphertext.slice(ciphertext.length - BLOCK);
  const fullPad = new Uint8Array(BLOCK).fill(BLOCK);
  const extra = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv: last }, key, fullPad)).slice(0, BLOCK);
  const iv = keyBytes.slice(0, BLOCK);
  return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-CBC", iv }, key, concat(ciphertext, extra)));
}

function base64Bytes(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0) return null;
  try {
    return fromBase64(s);
  } catch {
    return null;
  }
}

/**
 * The message and appid inside an `Encrypt` value. A value that is not base64 of whole AES blocks, does not
 * unpad, or whose length prefix overruns is refused with 401: its msg_signature already verified, so it can only
 * have been encrypted under another EncodingAESKey.
 */
export async function wechatDecrypt(encodingAesKey: string, encrypt: string): Promise<{ message: string; appId: string }> {
  const ciphertext = base64Bytes(encrypt);
  if (!ciphertext || ciphertext.length === 0 || ciphertext.length % BLOCK !== 0) throw new ChannelError(401, "Encrypt is not base64 of whole AES blocks");
  const plain = await decryptRaw(aesKey(encodingAesKey), ciphertext);
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > PAD_BLOCK || pad > plain.length || plain.subarray(plain.length - pad).some((b) => b !== pad)) {
    throw new ChannelError(401, "cannot decrypt the push: wrong encoding_aes_key");
  }
  const body = plain.subarray(RANDOM_BYTES, plain.length - pad);
  if (body.length < 4) throw new ChannelError(401, "cannot decrypt the push: too short");
  const length = new DataView(body.buffer, body.byteOffset, 4).getUint32(0);
  if (length > body.length - 4) throw new ChannelError(401, "cannot decrypt the push: wrong encoding_aes_key");
  try {
    return { message: utf8(body.subarray(4, 4 + length)), appId: utf8(body.subarray(4 + length)) };
  } catch {
    throw new ChannelError(401, "cannot decrypt the push: the plaintext is not UTF-8");
  }
}
