import { Socket } from 'node:net';
import type { MsgTransport } from 'jspurefix';

/** One FIX socket's Nagle state, in the shape `auditHost({ fixSockets })` takes. */
export interface FixSocketState {
  /** `<role> <session label>`, e.g. `initiator VENUE` or `acceptor ENGINE`. */
  readonly session: string;
  /** TCP_NODELAY as Node last applied it to the socket's handle. */
  readonly noDelay: boolean;
}

/** Anything that can report its socket's state (every instrumented session). */
export interface FixSocketStateSource {
  /** The state, or undefined when the session has no open TCP socket. */
  socketState(): FixSocketState | undefined;
}

/**
 * The TCP socket under a jspurefix transport: its `TcpDuplex` holds it (a
 * `TLSSocket` is a `Socket` too); undefined for other duplexes (files, HTTP).
 */
export function tcpSocketOf(transport: MsgTransport): Socket | undefined {
  const socket: unknown = (transport.duplex as { socket?: unknown }).socket;
  return socket instanceof Socket ? socket : undefined;
}

let noDelaySymbol: symbol | null | undefined; // undefined: not looked up yet; null: this Node has none

/**
 * TCP_NODELAY of `socket` as Node applied it. Node has no public getter and no
 * getsockopt, so this reads Node's own record: the `kSetNoDelay` symbol that
 * `Socket#setNoDelay` writes just before calling the handle's `setNoDelay`
 * (Node 20 and 24). Where a Node version lacks it, `fallback` (what the caller
 * itself set) is returned.
 */
export function socketNoDelay(socket: Socket, fallback: boolean): boolean {
  if (noDelaySymbol === undefined) {
    noDelaySymbol = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'kSetNoDelay') ?? null;
  }
  if (noDelaySymbol === null) return fallback;
  const v: unknown = (socket as unknown as Record<symbol, unknown>)[noDelaySymbol];
  return typeof v === 'boolean' ? v : fallback;
}

/**
 * The Nagle state of every open FIX socket among `sessions` (sessions without
 * an open TCP socket, and objects that are not instrumented sessions, are
 * skipped): pass it to `auditHost({ fixSockets })`.
 */
export function fixSocketStates(sessions: Iterable<unknown>): FixSocketState[] {
  const out: FixSocketState[] = [];
  for (const s of sessions) {
    const source = s as Partial<FixSocketStateSource> | null;
    if (source === null || typeof source !== 'object' || typeof source.socketState !== 'function') continue;
    const state = source.socketState();
    if (state !== undefined) out.push(state);
  }
  return out;
}
