import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

// scrypt from node:crypto: a memory-hard KDF, so a stolen users table costs an attacker ~32 MiB and
// tens of milliseconds per guess. N = 2^15, r = 8, p = 1 is the scrypt paper's interactive-login
// setting. The parameters travel in the stored text, so raising them later leaves old hashes valid.
const COST = 2 ** 15
const BLOCK_SIZE = 8
const PARALLELISM = 1
const KEY_BYTES = 32
const SALT_BYTES = 16
// scrypt needs 128 * N * r bytes; node's default cap (32 MiB) is exactly that, so leave headroom.
const MAX_MEMORY = 64 * 1024 * 1024

function scryptKey(password: string, salt: Buffer, cost: number, blockSize: number, parallelism: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N: cost, r: blockSize, p: parallelism, maxmem: MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  )
}

/**
 * The KDF every password check goes through, as an object so that a test can count its runs: the
 * proof that a check with no real hash behind it (an unknown or single-sign-on-only user) still
 * pays for one, and so takes as long as a wrong password.
 */
export const passwordKdf = { derive: scryptKey }

/** `scrypt$N$r$p$salt$key`, salt and key in base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await passwordKdf.derive(password, salt, COST, BLOCK_SIZE, PARALLELISM)
  return ['scrypt', COST, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), key.toString('base64url')].join('$')
}

// A hash to compare against when there is no real one (the user does not exist, or signs in only
// through single sign-on and has none), so that such a name costs as long as a wrong password and
// response times do not tell which names exist or which are SSO-only.
let decoy: Promise<string> | undefined

const SCRYPT_HASH = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/

/** Constant-time check of a password against a stored hash; a missing or non-scrypt `stored` burns the same time. */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const real = stored === undefined ? undefined : SCRYPT_HASH.exec(stored)
  const parts = real ?? SCRYPT_HASH.exec(await (decoy ??= hashPassword(randomBytes(16).toString('hex'))))
  if (!parts) return false
  const [, cost, blockSize, parallelism, salt, key] = parts as unknown as [string, string, string, string, string, string]
  const expected = Buffer.from(key, 'base64url')
  let actual: Buffer
  try {
    actual = await passwordKdf.derive(password, Buffer.from(salt, 'base64url'), Number(cost), Number(blockSize), Number(parallelism))
  } catch {
    return false // parameters scrypt refuses: not a hash this server wrote
  }
  return real !== undefined && real !== null && actual.length === expected.length && timingSafeEqual(actual, expected)
}

/** Personal access tokens carry this prefix, so a token is recognisable wherever it is pasted. */
export const TOKEN_PREFIX = 'orchard_pat_'

/** A new token's secret: 32 random bytes, shown to its owner once. */
export const newTokenSecret = (): string => `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`

/**
 * Tokens are stored as their SHA-256: they carry 256 random bits, so a fast hash is enough (nothing
 * to brute-force), and a lookup by hash compares no secret byte by byte.
 */
export const tokenHash = (secret: string): string => createHash('sha256').update(secret).digest('hex')
