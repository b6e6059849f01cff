// P-256 arithmetic and RFC 9380 hash_to_curve (P256_XMD:SHA-256_SSWU_RO_) in plain BigInt, mirroring
// Features/SpeakUp/Escrow/P256.cs and HashToCurve.cs. Not constant-time: it only handles the browser's
// own ephemeral blinding scalar and public points; the OPRF key never reaches the browser.

const hex = (text) => BigInt("0x" + text);

export const P = hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
export const A = P - 3n;
export const B = hex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");
export const N = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
export const G = {
  x: hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
  y: hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"),
};
export const INFINITY = null;

export const mod = (a, m) => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

export const modPow = (base, exponent, m) => {
  let result = 1n;
  let b = mod(base, m);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
};

export const inverse = (a, m) => modPow(a, m - 2n, m);

const curveRight = (x) => mod(x * x % P * x + A * x + B, P);

const sqrt = (value) => {
  const v = mod(value, P);
  const root = modPow(v, (P + 1n) / 4n, P);
  return (root * root) % P === v ? root : null;
};

const isSquare = (value) => {
  const v = mod(value, P);
  return v === 0n || modPow(v, (P - 1n) / 2n, P) === 1n;
};

export const isOnCurve = (point) =>
  point !== INFINITY && point.x >= 0n && point.x < P && point.y >= 0n && point.y < P &&
  (point.y * point.y) % P === curveRight(point.x);

// Jacobian coordinates, a = -3: dbl-2001-b and add-2007-bl, as in P256.cs.
const J_INFINITY = { x: 1n, y: 1n, z: 0n };

const double = (p) => {
  if (p.z === 0n || p.y === 0n) return J_INFINITY;
  const delta = (p.z * p.z) % P;
  const gamma = (p.y * p.y) % P;
  const beta = (p.x * gamma) % P;
  const alpha = (3n * mod(p.x - delta, P) * (p.x + delta)) % P;
  const x3 = mod(alpha * alpha - 8n * beta, P);
  const z3 = mod((p.y + p.z) * (p.y + p.z) - gamma - delta, P);
  const y3 = mod(alpha * mod(4n * beta - x3, P) - 8n * ((gamma * gamma) % P), P);
  return { x: x3, y: y3, z: z3 };
};

const addJ = (p1, p2) => {
  if (p1.z === 0n) return p2;
  if (p2.z === 0n) return p1;
  const z1z1 = (p1.z * p1.z) % P;
  const z2z2 = (p2.z * p2.z) % P;
  const u1 = (p1.x * z2z2) % P;
  const u2 = (p2.x * z1z1) % P;
  const s1 = (((p1.y * p2.z) % P) * z2z2) % P;
  const s2 = (((p2.y * p1.z) % P) * z1z1) % P;
  const h = mod(u2 - u1, P);
  const r = mod(2n * (s2 - s1), P);
  if (h === 0n) return r === 0n ? double(p1) : J_INFINITY;
  const i = (4n * h * h) % P;
  const j = (h * i) % P;
  const v = (u1 * i) % P;
  const x3 = mod(r * r - j - 2n * v, P);
  const y3 = mod(r * mod(v - x3, P) - 2n * s1 * j, P);
  const z3 = mod(((p1.z + p2.z) * (p1.z + p2.z) - z1z1 - z2z2) * h, P);
  return { x: x3, y: y3, z: z3 };
};

const toJ = (point) => (point === INFINITY ? J_INFINITY : { x: point.x, y: point.y, z: 1n });

const toAffine = (p) => {
  if (p.z === 0n) return INFINITY;
  const zi = inverse(p.z, P);
  const z2 = (zi * zi) % P;
  return { x: mod(p.x * z2, P), y: mod(((p.y * z2) % P) * zi, P) };
};

export const add = (a, b) => toAffine(addJ(toJ(a), toJ(b)));

export const multiply = (scalar, point) => {
  const k = mod(scalar, N);
  if (k === 0n || point === INFINITY) return INFINITY;
  let result = J_INFINITY;
  const addend = toJ(point);
  for (let bit = BigInt(k.toString(2).length - 1); bit >= 0n; bit--) {
    result = double(result);
    if ((k >> bit) & 1n) result = addJ(result, addend);
  }
  return toAffine(result);
};

export const bytesToBigInt = (bytes) => {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
};

export const bigIntToBytes = (value, length) => {
  if (value < 0n || value >= 1n << BigInt(8 * length)) throw new RangeError("The value does not fit.");
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
};

// x-only encoding: 32 bytes big-endian (x(Q) = x(-Q)).
export const encodeX = (point) => {
  if (point === INFINITY) throw new Error("The point at infinity has no encoding.");
  return bigIntToBytes(point.x, 32);
};

// The point with this x-coordinate (the even-y one); refuses anything not the x of a curve point.
export const decodeX = (bytes) => {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new Error("A point must be a 32-byte x-coordinate.");
  }
  const x = bytesToBigInt(bytes);
  if (x >= P) throw new Error("The x-coordinate is not below the field prime.");
  const y = sqrt(curveRight(x));
  if (y === null) throw new Error("The x-coordinate is not that of a point on P-256.");
  return { x, y: y % 2n === 0n ? y : P - y };
};

const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};

export { concat };

export const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));

export const expandMessageXmd = async (message, dst, length) => {
  const ell = Math.ceil(length / 32);
  if (ell > 255 || length > 65535 || dst.length > 255) throw new Error("expand_message_xmd: length or DST too long.");
  const dstPrime = concat(dst, Uint8Array.of(dst.length));
  const messagePrime = concat(new Uint8Array(64), message, Uint8Array.of(length >> 8, length & 0xff, 0), dstPrime);
  const b0 = await sha256(messagePrime);
  const out = new Uint8Array(ell * 32);
  let previous = await sha256(concat(b0, Uint8Array.of(1), dstPrime));
  out.set(previous, 0);
  for (let i = 2; i <= ell; i++) {
    const mixed = b0.map((b, j) => b ^ previous[j]);
    previous = await sha256(concat(mixed, Uint8Array.of(i), dstPrime));
    out.set(previous, (i - 1) * 32);
  }
  return out.slice(0, length);
};

export const hashToField = async (message, dst) => {
  const uniform = await expandMessageXmd(message, dst, 96);
  return [mod(bytesToBigInt(uniform.slice(0, 48)), P), mod(bytesToBigInt(uniform.slice(48, 96)), P)];
};

const Z = P - 10n;

// RFC 9380 section 6.6.2, straightforward form (the input is public).
export const mapToCurve = (u) => {
  const u2 = (u * u) % P;
  const zu2 = (Z * u2) % P;
  const denominator = mod(zu2 * zu2 + zu2, P);
  const tv1 = denominator === 0n ? 0n : inverse(denominator, P);
  const x1 = tv1 === 0n
    ? (B * inverse(Z * A, P)) % P
    : mod(((-B * inverse(A, P)) % P) * (1n + tv1), P);
  const gx1 = curveRight(x1);
  let x;
  let y;
  if (isSquare(gx1)) {
    x = x1;
    y = sqrt(gx1);
  } else {
    x = (zu2 * x1) % P;
    y = sqrt(curveRight(x));
  }
  if (u % 2n !== y % 2n) y = mod(-y, P);
  return { x, y };
};

export const hashToCurve = async (message, dst) => {
  const [u0, u1] = await hashToField(message, dst);
  return add(mapToCurve(u0), mapToCurve(u1));
};
