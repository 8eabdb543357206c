// Encryption at rest (ARCHITECTURE §6). A random AES-GCM data key encrypts everything the device stores; that
// key is kept wrapped by a key derived from the user's passphrase (PBKDF2-SHA256). Unwrapped, it exists only
// in memory, as a non-extractable CryptoKey, until the app locks.

export const PBKDF2_ITERATIONS = 600000; // OWASP's minimum for PBKDF2-SHA256
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class WrongPassphrase extends Error {}

function random(bytes) {
  return crypto.getRandomValues(new Uint8Array(bytes));
}

async function wrappingKey(passphrase, salt, iterations) {
  const material = await crypto.subtle.importKey('raw', encoder.encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
}

function unwrap(wrapping, keyring, aad) {
  return crypto.subtle.unwrapKey(
    'raw', keyring.wrapped, wrapping, { name: 'AES-GCM', iv: keyring.iv, additionalData: encoder.encode(aad) },
    { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'],
  );
}

// A new data key for a new device account. Returns what is stored ({salt, iterations, iv, wrapped}) and the
// usable key. `aad` binds the wrapped key to its account.
export async function createKeyring(passphrase, aad) {
  const salt = random(16);
  const iv = random(12);
  const wrapping = await wrappingKey(passphrase, salt, PBKDF2_ITERATIONS);
  const dataKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  const wrapped = await crypto.subtle.wrapKey(
    'raw', dataKey, wrapping, { name: 'AES-GCM', iv, additionalData: encoder.encode(aad) },
  );
  const keyring = { salt, iterations: PBKDF2_ITERATIONS, iv, wrapped: new Uint8Array(wrapped) };
  // Use a non-extractable copy from here on: not even a script in the page can read the raw key.
  return { keyring, key: await unwrap(wrapping, keyring, aad) };
}

export async function openKeyring(passphrase, keyring, aad) {
  const wrapping = await wrappingKey(passphrase, keyring.salt, keyring.iterations);
  try {
    return await unwrap(wrapping, keyring, aad);
  } catch {
    throw new WrongPassphrase();
  }
}

// `aad` names the slot a value belongs to, so a sealed value cannot be moved to another record unnoticed.
export async function seal(key, value, aad) {
  const iv = random(12);
  const data = encoder.encode(JSON.stringify(value));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(aad) }, key, data);
  return { iv, ct: new Uint8Array(ct) };
}

export async function unseal(key, sealed, aad) {
  const data = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: sealed.iv, additionalData: encoder.encode(aad) }, key, sealed.ct,
  );
  return JSON.parse(decoder.decode(data));
}
