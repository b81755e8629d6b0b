/**
 * ULIDs: 48 bits of milliseconds and 80 random bits in Crockford base32, so ids sort by creation
 * time. The factory is monotonic: within one millisecond (or if the clock steps back) it increments
 * the random part instead of drawing a new one, so ids from one process never sort out of order.
 */
import type { Rng } from './rng.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_LENGTH = 10;
const RANDOM_LENGTH = 16;

export type UlidFactory = (nowEpochMs: number) => string;

export function createUlidFactory(rng: Rng): UlidFactory {
  let lastTime = -1;
  const lastRandom: number[] = [];
  // Character codes of the id, rewritten in place: the time part only when the millisecond
  // changes (a daemon iteration stamps thousands of ids with one clock reading), and the id is
  // made in one step, as a flat string, rather than concatenated character by character.
  const codes = new Array<number>(TIME_LENGTH + RANDOM_LENGTH).fill(0);
  return (nowEpochMs) => {
    if (nowEpochMs <= lastTime && lastRandom.length === RANDOM_LENGTH) {
      incrementBase32(lastRandom);
    } else {
      lastTime = nowEpochMs;
      const time = encodeTime(lastTime);
      for (let i = 0; i < TIME_LENGTH; i += 1) codes[i] = time.charCodeAt(i);
      lastRandom.length = 0;
      for (let i = 0; i < RANDOM_LENGTH; i += 1) lastRandom.push(rng.nextUint32() % 32);
    }
    for (let i = 0; i < RANDOM_LENGTH; i += 1) codes[TIME_LENGTH + i] = ALPHABET.charCodeAt(lastRandom[i] as number);
    return String.fromCharCode(...codes);
  };
}

function encodeTime(epochMs: number): string {
  let rest = Math.floor(epochMs);
  let out = '';
  for (let i = 0; i < TIME_LENGTH; i += 1) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function incrementBase32(digits: number[]): void {
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    const d = digits[i] ?? 0;
    if (d < 31) {
      digits[i] = d + 1;
      return;
    }
    digits[i] = 0;
  }
}

/** The millisecond timestamp encoded in a ULID (or a prefixed id such as `run_…`). */
export function ulidTime(id: string): number {
  const ulid = id.slice(id.length - TIME_LENGTH - RANDOM_LENGTH, id.length - RANDOM_LENGTH);
  let value = 0;
  for (const ch of ulid) value = value * 32 + ALPHABET.indexOf(ch);
  return value;
}
