/**
 * What travels on the Redis layer's channels: one JSON object per message, built by concatenation so the
 * payload (`d`, already JSON text) is carried byte for byte and never re-encoded. Pure.
 *
 *   envelope: {"k":"e","o":<origin node>,"g":<group>,"e":<event>,"x":<excluded connection or null>,"d":<data>}
 *   direct:   {"k":"m","n":<node>,"c":<connection or null>,"t":<kind>,"d":<data>}
 *
 * @module
 */
import type { Envelope } from '../core/envelope.js';
import { parseMembers } from '../wire/members.js';
import type { DirectMessage } from './layer.js';

const str = JSON.stringify;

/** One group's share of an envelope, stamped with its origin node. */
export function encodeEnvelope(envelope: Envelope, group: string, origin: string): string {
  return `{"k":"e","o":${str(origin)},"g":${str(group)},"e":${str(envelope.event)},"x":${envelope.exclude === undefined ? 'null' : str(envelope.exclude)},"d":${envelope.data}}`;
}

/** A message to one node (or one connection on it). */
export function encodeDirect(message: DirectMessage): string {
  return `{"k":"m","n":${str(message.node)},"c":${message.connection === undefined ? 'null' : str(message.connection)},"t":${str(message.kind)},"d":${message.data}}`;
}

/** Decodes a channel message; `undefined` when it is not one of ours (never throws). */
export function decodeWire(text: string): { kind: 'envelope'; envelope: Envelope } | { kind: 'direct'; message: DirectMessage } | undefined {
  // Only `d` is kept, as text: the other members are strings and null, which the native parse carries exactly.
  const parsed = parseMembers(text);
  if (!parsed.ok || parsed.raw === undefined) return undefined;
  const v = parsed.value as Record<string, unknown>;
  const data = parsed.raw.get('d');
  if (data === undefined) return undefined;
  if (v.k === 'e' && typeof v.o === 'string' && typeof v.g === 'string' && typeof v.e === 'string' && (v.x === null || typeof v.x === 'string')) {
    return {
      kind: 'envelope',
      envelope: { groups: [v.g], event: v.e, data, origin: v.o, ...(typeof v.x === 'string' ? { exclude: v.x } : {}) },
    };
  }
  if (v.k === 'm' && typeof v.n === 'string' && typeof v.t === 'string' && (v.c === null || typeof v.c === 'string')) {
    return { kind: 'direct', message: { node: v.n, kind: v.t, data, ...(typeof v.c === 'string' ? { connection: v.c } : {}) } };
  }
  return undefined;
}
