// Collective escrow, the browser's part (docs/escrow.md): the OPRF with the key holder, the values
// derived from its output, the reporter's share, and the envelope sealed to the reviewers. It mirrors
// Features/SpeakUp/Escrow/*.cs byte for byte. Scalar multiplication is plain BigInt (escrow-curve.js);
// HKDF, AES-GCM, ECDH and SHA-256 are WebCrypto. No dependencies, no inline script.

import {
  N, bigIntToBytes, bytesToBigInt, concat, decodeX, encodeX, hashToCurve, inverse, mod, multiply, sha256,
} from "./escrow-curve.js";

export { hashToCurve } from "./escrow-curve.js";

const text = new TextEncoder();

export const HASH_TO_CURVE_DST = "UPSTANDER-ESCROW-V1-P256_XMD:SHA-256_SSWU_RO_";
export const FINALIZE_LABEL = "UPSTANDER-ESCROW-V1-Finalize";
export const FIELD_PRIME = (1n << 128n) - 159n;
export const MINIMUM_THRESHOLD = 2;
export const MAXIMUM_THRESHOLD = 10;

export const toBase64url = (bytes) => {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

export const fromBase64url = (value) => {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
};

const hexOf = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const guid = (value, what) => {
  const canonical = String(value).toLowerCase();
  if (!GUID.test(canonical)) throw new Error(`${what} must be a directory id (a GUID).`);
  return canonical;
};

// The OPRF input: organisation and the named person's directory id, never free text.
export const oprfInput = (organisationId, personId) =>
  text.encode(`${guid(organisationId, "The organisation")}/${guid(personId, "The person")}`);

const randomScalar = () => mod(bytesToBigInt(crypto.getRandomValues(new Uint8Array(48))), N - 1n) + 1n;

const lengthPrefixed = (bytes) => concat(Uint8Array.of(bytes.length >> 8, bytes.length & 0xff), bytes);

export const blind = async (input, r = randomScalar()) => {
  const point = await hashToCurve(input, text.encode(HASH_TO_CURVE_DST));
  return { r, blinded: encodeX(multiply(r, point)) };
};

export const finalize = async (input, r, evaluated) => {
  const z = decodeX(evaluated); // refuses anything not on the curve
  const unblinded = encodeX(multiply(inverse(r, N), z));
  return sha256(concat(text.encode(FINALIZE_LABEL), lengthPrefixed(input), lengthPrefixed(unblinded)));
};

const antiforgeryToken = () => document.querySelector('input[name="__RequestVerificationToken"]')?.value ?? "";

// Asks the key holder (POST /api/v1/escrow/oprf) to apply its key to the blinded point.
export const evaluateRemotely = async (blinded, { endpoint = "/api/v1/escrow/oprf", token = antiforgeryToken() } = {}) => {
  const response = await fetch(endpoint, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", RequestVerificationToken: token },
    body: JSON.stringify({ blinded: toBase64url(blinded) }),
  });
  if (response.status === 429) throw new Error("Too many lookups in a short time. Please wait a minute and try again.");
  if (!response.ok) throw new Error(`The key holder refused the request (${response.status}).`);
  const answer = await response.json();
  if (typeof answer.evaluated !== "string") throw new Error("The key holder's answer has no evaluated point.");
  return fromBase64url(answer.evaluated);
};

// The OPRF output for a named person: 32 bytes that only the key holder's key could have produced.
export const oprf = async (organisationId, personId, options = {}) => {
  const input = oprfInput(organisationId, personId);
  const { r, blinded } = await blind(input);
  const evaluated = await (options.evaluate ?? ((b) => evaluateRemotely(b, options)))(blinded);
  return finalize(input, r, evaluated);
};

const hkdf = async (ikm, info, length = 32, salt = new Uint8Array(0)) => {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info: text.encode(info) }, key, length * 8));
};

const fieldElement = async (oprfOutput, label) => bytesToBigInt(await hkdf(oprfOutput, label)) % FIELD_PRIME;

// The matching index, the record key K and the polynomial's other coefficients.
export const deriveSecrets = async (oprfOutput, threshold) => {
  if (!Number.isInteger(threshold) || threshold < MINIMUM_THRESHOLD || threshold > MAXIMUM_THRESHOLD) {
    throw new Error(`The threshold must be between ${MINIMUM_THRESHOLD} and ${MAXIMUM_THRESHOLD}.`);
  }
  const index = await hkdf(oprfOutput, `upstander escrow v1 index|t=${threshold}`);
  const recordKey = await fieldElement(oprfOutput, `upstander escrow v1 record key|t=${threshold}`);
  const coefficients = [];
  for (let i = 1; i < threshold; i++) {
    coefficients.push(await fieldElement(oprfOutput, `upstander escrow v1 coefficient|t=${threshold}|i=${i}`));
  }
  return { index, recordKey, coefficients, threshold };
};

export const reporterX = async (oprfOutput, organisationId, reporterId) => {
  const u = await fieldElement(oprfOutput,
    `upstander escrow v1 reporter|${guid(organisationId, "The organisation")}/${guid(reporterId, "The reporter")}`);
  return u === 0n ? 1n : u;
};

export const shareAt = (secrets, u) => {
  let value = 0n;
  for (let i = secrets.coefficients.length - 1; i >= 0; i--) {
    value = ((value + secrets.coefficients[i]) * u) % FIELD_PRIME;
  }
  return (value + secrets.recordKey) % FIELD_PRIME;
};

const aesKey = (raw) => crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt"]);

const aeadSeal = async (rawKey, plain, context) => {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: text.encode(context), tagLength: 128 }, await aesKey(rawKey), plain));
  return concat(iv, sealed);
};

// ECIES to the reviewers: ephemeral-static ECDH P-256, HKDF-SHA-256, AES-256-GCM.
const sealToReviewers = async (reviewersPublicKey, inner, context) => {
  if (reviewersPublicKey.length !== 65 || reviewersPublicKey[0] !== 4) {
    throw new Error("The reviewers' key must be a 65-byte uncompressed P-256 point.");
  }
  const reviewers = await crypto.subtle.importKey("raw", reviewersPublicKey, { name: "ECDH", namedCurve: "P-256" }, false, []);
  const ephemeral = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  const ephemeralPublic = new Uint8Array(await crypto.subtle.exportKey("raw", ephemeral.publicKey));
  const shared = new Uint8Array(await crypto.subtle.deriveBits({ name: "ECDH", public: reviewers }, ephemeral.privateKey, 256));
  const key = await hkdf(shared, "upstander escrow v1 reviewers", 32, concat(ephemeralPublic, reviewersPublicKey));
  return concat(Uint8Array.of(1), ephemeralPublic, await aeadSeal(key, inner, context));
};

// One held report, ready to upload: only the index, the threshold and the sealed envelope.
export const createEntry = async ({ oprfOutput, organisationId, reporterId, threshold, payload, reviewersPublicKey }) => {
  const secrets = await deriveSecrets(oprfOutput, threshold);
  const u = await reporterX(oprfOutput, organisationId, reporterId);
  const s = shareAt(secrets, u);
  const indexHex = hexOf(secrets.index);
  const recordKey = await hkdf(bigIntToBytes(secrets.recordKey, 16), "upstander escrow v1 record aead");
  const plain = typeof payload === "string" ? text.encode(payload) : payload;
  const record = await aeadSeal(recordKey, plain, `upstander escrow v1 record|${indexHex}`);
  const inner = concat(bigIntToBytes(u, 16), bigIntToBytes(s, 16), record);
  const reviewers = typeof reviewersPublicKey === "string" ? fromBase64url(reviewersPublicKey) : reviewersPublicKey;
  const sealed = await sealToReviewers(reviewers, inner, `upstander escrow v1 entry|${indexHex}|t=${threshold}`);
  return { index: toBase64url(secrets.index), threshold, sealed: toBase64url(sealed) };
};
