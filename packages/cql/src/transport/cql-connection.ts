import type net from 'node:net';
import type { Logger } from '@charybdis/core';
import { hasErrorCode } from '@charybdis/core';
import type { ClientSession } from '../execution/execution-types';
import { ExecutionErrorCodes } from '../execution/execution-types';
import { FRAME_HEADER_BYTES } from '../protocol/frame-codec';
import type { DecodedFrame } from '../protocol/frame-decoder';
import { ErrorCode, Opcode } from '../protocol/opcodes';
import { ProtocolErrorCodes } from '../protocol/protocol-error';
import { encodeUnsupportedVersionError, negotiationAnswerVersion, usesSegments } from '../protocol/protocol-version';
import { decodeRequest } from '../protocol/request-decoder';
import type { Request } from '../protocol/request-types';
import type { Response, ServerEvent } from '../protocol/response-types';
import { encodeResponse } from '../protocol/response-writer';
import { negotiateStartup } from '../protocol/startup-options';
import type { Authenticator, SaslNegotiator } from './authenticator';
import { AuthErrorCodes } from './authenticator';
import { ConnectionInput } from './connection-input';
import { ConnectionOutput } from './connection-output';
import type { EventBus, EventSubscriber } from './event-bus';
import type { RequestHandler, StatementRequest, StatementScheduler } from './request-handler';
import type { BudgetWaiter, RequestMemoryBudget } from './request-memory-budget';
import { CLOSE_LINGER_MS, type TransportLimits } from './transport-limits';
import type { TransportMetrics } from './transport-metrics';

/** Everything a connection shares with the other connections of its shard (see CqlTransport). */
export interface ConnectionContext {
  readonly handler: RequestHandler;
  readonly supported: ReadonlyMap<string, readonly string[]>;
  readonly authenticator: Authenticator;
  readonly events: EventBus;
  readonly budget: RequestMemoryBudget;
  readonly metrics: TransportMetrics;
  readonly scheduler: StatementScheduler | null;
  readonly limits: Readonly<TransportLimits>;
  readonly log: Logger;
  /** Wall clock in ms, read once per request. */
  readonly clock: () => number;
}

/** Connection states, in order: a connection only moves forward. */
const State = { UNINITIALIZED: 0, AUTHENTICATING: 1, READY: 2, CLOSING: 3, CLOSED: 4 } as const;
type State = (typeof State)[keyof typeof State];

/** Why the connection is not reading its socket (bits; reading resumes when all clear). */
const Blocked = { SOCKET: 1, CONNECTION_BUDGET: 2, SHARD_BUDGET: 4 } as const;

const OPCODE_NAMES = new Map<number, string>(Object.entries(Opcode).map(([name, code]) => [code, name]));
const READY_RESPONSE: Response = Object.freeze({ kind: 'ready' });

/** A statement request being processed: what its completion needs to answer and release. */
class InFlightRequest {
  /** When the frame was decoded (`performance.now()`), for the request latency histogram. */
  readonly startMs = performance.now();

  constructor(
    readonly stream: number,
    readonly bytes: number,
    readonly request: StatementRequest,
  ) {}
}

function isStatementOpcode(opcode: number): boolean {
  return opcode === Opcode.QUERY || opcode === Opcode.EXECUTE || opcode === Opcode.PREPARE || opcode === Opcode.BATCH;
}

function errorResponse(code: number, message: string): Response {
  return { kind: 'error', error: { code, message } as Extract<Response, { kind: 'error' }>['error'] };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True for the codes the protocol codecs raise for a client's malformed bytes. */
function isClientProtocolError(err: unknown): boolean {
  return (
    hasErrorCode(err, ProtocolErrorCodes.PROTOCOL) ||
    hasErrorCode(err, ProtocolErrorCodes.FRAME_TOO_LARGE) ||
    hasErrorCode(err, ProtocolErrorCodes.UNSUPPORTED_VERSION)
  );
}

/**
 * One client connection of the CQL native protocol (v3, v4, v5), served on the shard
 * that accepted its socket; it owns the socket until it closes.
 *
 * Handshake: the first frame fixes the version (an unsupported one is answered with the
 * ProtocolError the drivers step down on, then the connection closes); OPTIONS →
 * SUPPORTED at any time; STARTUP → READY, or AUTHENTICATE and a SASL exchange; v5 moves
 * to segments right after READY/AUTHENTICATE. REGISTER subscribes to the shard's
 * `EventBus` (events go out on stream −1).
 *
 * QUERY, PREPARE, EXECUTE and BATCH go to the `RequestHandler` — in the statement
 * scheduling group when there is one — many at a time; each answer carries its request's
 * stream and is written as soon as it is ready, in completion order, batched with the
 * other answers of the same event-loop turn into one socket write.
 *
 * Bounds: in-flight requests (beyond: Overloaded), in-flight request bytes per connection
 * and per shard (beyond: stop reading until requests complete), frame size (from the
 * header), and unsent response bytes (beyond: stop reading until the socket drains).
 *
 * A malformed request body is answered with a ProtocolError on its stream and the
 * connection goes on; a broken byte stream (bad header, oversized frame, CRC mismatch) is
 * answered when possible and the connection closes. A handler failure becomes a Server
 * error on its stream. Answers to a client that went away are dropped.
 */
export class CqlConnection implements EventSubscriber, BudgetWaiter {
  private state: State = State.UNINITIALIZED;
  /** Protocol version, fixed by the first frame; 0 before it. */
  private version = 0;
  private session: ClientSession | null = null;
  private readonly input: ConnectionInput;
  private readonly output: ConnectionOutput;
  private inFlightCount = 0;
  private inFlightBytes = 0;
  private blocked = 0;
  /** A statement frame decoded but not admitted for lack of budget; retried when bytes are released. */
  private parked: DecodedFrame | null = null;
  private pendingDispatch: InFlightRequest[] = [];
  private dispatchScheduled = false;
  private negotiator: SaslNegotiator | null = null;
  private authBusy = false;
  private authenticatedUser: string | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  /** Reused for every response header (written synchronously): no per-response object. */
  private readonly frameInfo = { version: 0, stream: 0 };

  constructor(
    private readonly socket: net.Socket,
    private readonly ctx: ConnectionContext,
    private readonly onClosed: (connection: CqlConnection) => void = () => {},
  ) {
    this.input = new ConnectionInput(ctx.limits.maxFrameBodyBytes);
    this.output = new ConnectionOutput(socket, ctx.limits.maxFrameBodyBytes, ctx.limits.socketWriteHighWaterBytes, this.onOutputBlocked);
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onSocketClose);
    ctx.metrics.connectionOpened();
  }

  /** The negotiated protocol version, or 0 before the first frame. */
  get protocolVersion(): number {
    return this.version;
  }

  /** Requests being processed now. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** The user the SASL exchange authenticated, or null (anonymous / AllowAll). */
  get user(): string | null {
    return this.authenticatedUser;
  }

  /** True once the connection is closing or closed. */
  get closed(): boolean {
    return this.state >= State.CLOSING;
  }

  /** Closes the connection at once (node shutdown); answers not yet written are dropped. */
  destroy(): void {
    this.socket.destroy();
  }

  /** EventSubscriber: writes a pushed event on stream −1. */
  deliverEvent(event: ServerEvent): void {
    if (this.state !== State.READY) return;
    this.writeResponse(-1, { kind: 'event', event });
  }

  /** BudgetWaiter: the shard budget has room again; retry the parked frame. */
  onBudgetAvailable(): void {
    this.unblock(Blocked.SHARD_BUDGET);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.state >= State.CLOSING) return;
    this.input.push(chunk);
    this.pump();
  };

  private readonly onDrain = (): void => {
    this.unblock(Blocked.SOCKET);
  };

  private readonly onOutputBlocked = (): void => {
    this.block(Blocked.SOCKET);
  };

  private readonly onSocketError = (err: Error): void => {
    // A reset or broken pipe from the client; 'close' follows and cleans up.
    this.ctx.log.debug({ err, remote: this.socket.remoteAddress }, 'CQL client connection error');
  };

  private readonly onSocketClose = (): void => {
    if (this.state === State.CLOSED) return;
    this.state = State.CLOSED;
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    this.parked = null;
    this.output.discard();
    this.ctx.events.unsubscribe(this);
    this.ctx.budget.cancelWait(this);
    this.ctx.metrics.connectionClosed();
    this.onClosed(this);
  };

  private readonly onLingerExpired = (): void => {
    this.socket.destroy();
  };

  /** Decodes and handles frames until the input runs dry, reading is blocked, or the connection closes. */
  private pump(): void {
    while (this.blocked === 0 && this.state < State.CLOSING) {
      let frame = this.parked;
      if (frame !== null) {
        this.parked = null;
      } else {
        try {
          frame = this.input.next();
        } catch (err) {
          this.failStream(err);
          return;
        }
        if (frame === null) return;
        this.ctx.metrics.requestReceived(frame.header.opcode);
      }
      this.handleFrame(frame);
    }
  }

  private handleFrame(frame: DecodedFrame): void {
    const header = frame.header;
    if (this.version === 0) {
      this.version = header.version;
      this.frameInfo.version = header.version;
      this.input.setVersion(header.version);
    }
    const unexpected = this.unexpectedMessage(header.opcode);
    if (unexpected !== null) {
      this.writeResponse(header.stream, errorResponse(ErrorCode.PROTOCOL_ERROR, unexpected));
      return;
    }
    if (isStatementOpcode(header.opcode)) {
      this.admitStatement(frame);
      return;
    }
    let request: Request;
    try {
      request = decodeRequest(header, this.input.body(frame));
    } catch (err) {
      this.answerFailure(header.stream, err);
      return;
    }
    this.handleControl(header.stream, request);
  }

  /** Cassandra's state rules and wording (ServerConnection.validateNewMessage); null when allowed. */
  private unexpectedMessage(opcode: number): string | null {
    const name = OPCODE_NAMES.get(opcode) ?? `0x${opcode.toString(16).padStart(2, '0')}`;
    switch (this.state) {
      case State.UNINITIALIZED:
        return opcode === Opcode.STARTUP || opcode === Opcode.OPTIONS ? null : `Unexpected message ${name}, expecting STARTUP or OPTIONS`;
      case State.AUTHENTICATING:
        return opcode === Opcode.AUTH_RESPONSE ? null : `Unexpected message ${name}, expecting SASL_RESPONSE`;
      default:
        if (opcode === Opcode.STARTUP) return 'Unexpected message STARTUP, the connection is already initialized';
        if (opcode === Opcode.AUTH_RESPONSE) return 'Unexpected message AUTH_RESPONSE, the connection is already authenticated';
        return null;
    }
  }

  /** OPTIONS, STARTUP, REGISTER, AUTH_RESPONSE: answered by the connection itself. */
  private handleControl(stream: number, request: Request): void {
    switch (request.kind) {
      case 'options':
        this.writeResponse(stream, { kind: 'supported', options: this.ctx.supported });
        return;
      case 'startup':
        this.handleStartup(stream, request.options);
        return;
      case 'register':
        this.ctx.events.subscribe(this, request.events);
        this.writeResponse(stream, READY_RESPONSE);
        return;
      case 'authResponse':
        this.handleAuthResponse(stream, request.token);
        return;
      default:
        // Statement kinds were routed by opcode before decoding; nothing else decodes.
        this.writeResponse(stream, errorResponse(ErrorCode.PROTOCOL_ERROR, `Unexpected message ${request.kind}`));
    }
  }

  private handleStartup(stream: number, options: Map<string, string>): void {
    let compression: 'lz4' | null;
    try {
      compression = negotiateStartup(options).compression;
    } catch (err) {
      this.answerFailure(stream, err);
      return;
    }
    this.session = { keyspace: null, protocolVersion: this.version, user: null };
    const authenticator = this.ctx.authenticator;
    if (authenticator.requireAuthentication) {
      this.negotiator = authenticator.newSaslNegotiator(this.socket.remoteAddress ?? null);
      this.state = State.AUTHENTICATING;
      this.writeResponse(stream, { kind: 'authenticate', authenticator: authenticator.className });
    } else {
      this.state = State.READY;
      this.writeResponse(stream, READY_RESPONSE);
    }
    // The answer to STARTUP goes out uncompressed and, in v5, as a plain frame; what
    // follows in both directions uses the negotiated compression / segments.
    if (usesSegments(this.version)) {
      this.output.switchToSegments(compression);
      this.input.switchToSegments(compression);
    } else {
      this.output.enableFrameCompression(compression);
      this.input.setCompression(compression);
    }
  }

  private handleAuthResponse(stream: number, token: Buffer | null): void {
    if (this.authBusy) {
      this.writeResponse(stream, errorResponse(ErrorCode.PROTOCOL_ERROR, 'AUTH_RESPONSE received while the previous one is being evaluated'));
      return;
    }
    this.authBusy = true;
    void this.evaluateAuth(stream, token);
  }

  private async evaluateAuth(stream: number, token: Buffer | null): Promise<void> {
    let response: Response;
    try {
      const step = await this.negotiator!.evaluateResponse(token);
      if (step.kind === 'success') {
        if (this.state === State.AUTHENTICATING) this.state = State.READY;
        this.authenticatedUser = step.user;
        this.session!.user = step.user;
        this.negotiator = null;
        response = { kind: 'authSuccess', token: step.token };
      } else {
        response = { kind: 'authChallenge', token: step.token };
      }
    } catch (err) {
      // A failed exchange starts over: the client may try other credentials.
      this.negotiator = this.ctx.authenticator.newSaslNegotiator(this.socket.remoteAddress ?? null);
      if (hasErrorCode(err, AuthErrorCodes.BAD_CREDENTIALS)) {
        response = errorResponse(ErrorCode.BAD_CREDENTIALS, messageOf(err));
      } else if (hasErrorCode(err, ExecutionErrorCodes.OVERLOADED)) {
        response = errorResponse(ErrorCode.OVERLOADED, messageOf(err));
      } else {
        this.ctx.log.warn({ err, remote: this.socket.remoteAddress }, 'SASL negotiator failed');
        response = errorResponse(ErrorCode.SERVER_ERROR, messageOf(err));
      }
    }
    this.authBusy = false;
    if (this.state < State.CLOSING) this.writeResponse(stream, response);
  }

  /** Applies the in-flight bounds, then decodes and dispatches a statement request. */
  private admitStatement(frame: DecodedFrame): void {
    const { header } = frame;
    const limits = this.ctx.limits;
    if (this.inFlightCount >= limits.maxInFlightRequests) {
      this.writeResponse(
        header.stream,
        errorResponse(
          ErrorCode.OVERLOADED,
          `Too many in-flight requests on this connection (limit ${limits.maxInFlightRequests}); retry later or use more connections`,
        ),
      );
      return;
    }
    const bytes = FRAME_HEADER_BYTES + frame.body.length;
    if (this.inFlightBytes > 0 && this.inFlightBytes + bytes > limits.maxInFlightBytes) {
      this.park(frame, Blocked.CONNECTION_BUDGET);
      return;
    }
    if (!this.ctx.budget.tryAcquire(bytes)) {
      this.park(frame, Blocked.SHARD_BUDGET);
      this.ctx.budget.wait(this);
      return;
    }
    let request: StatementRequest;
    try {
      request = decodeRequest(header, this.input.body(frame)) as StatementRequest;
    } catch (err) {
      this.ctx.budget.release(bytes);
      this.answerFailure(header.stream, err);
      return;
    }
    this.inFlightCount++;
    this.inFlightBytes += bytes;
    this.ctx.metrics.inFlightChanged(1);
    const entry = new InFlightRequest(header.stream, bytes, request);
    if (this.ctx.scheduler === null) void this.execute(entry);
    else this.enqueue(entry);
  }

  /** Requests of one socket read enter the scheduling group as one task (no closure per request). */
  private enqueue(entry: InFlightRequest): void {
    this.pendingDispatch.push(entry);
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    void this.ctx.scheduler!.run(this.runDispatch).then(undefined, this.onDispatchRejected);
  }

  private readonly runDispatch = (): void => {
    this.dispatchScheduled = false;
    const batch = this.pendingDispatch;
    this.pendingDispatch = [];
    for (const entry of batch) void this.execute(entry);
  };

  private readonly onDispatchRejected = (err: unknown): void => {
    // Only reachable before runDispatch ran (it never throws): the whole batch is refused.
    if (!this.dispatchScheduled) return;
    this.dispatchScheduled = false;
    const batch = this.pendingDispatch;
    this.pendingDispatch = [];
    const refusal = errorResponse(ErrorCode.OVERLOADED, `The statement scheduler refused the request: ${messageOf(err)}`);
    for (const entry of batch) this.complete(entry, refusal);
  };

  private async execute(entry: InFlightRequest): Promise<void> {
    let response: Response;
    try {
      response = await this.ctx.handler.process(entry.request, this.session!, this.ctx.clock());
    } catch (err) {
      response = this.handlerFailure(err, entry.stream);
    }
    this.complete(entry, response);
  }

  private complete(entry: InFlightRequest, response: Response): void {
    this.inFlightCount--;
    this.inFlightBytes -= entry.bytes;
    this.ctx.metrics.inFlightChanged(-1);
    this.ctx.metrics.requestCompleted((performance.now() - entry.startMs) * 1000);
    this.ctx.budget.release(entry.bytes);
    if (this.state >= State.CLOSING) return; // the client is gone: drop the answer quietly
    this.writeResponse(entry.stream, response);
    if ((this.blocked & Blocked.CONNECTION_BUDGET) !== 0) this.unblock(Blocked.CONNECTION_BUDGET);
  }

  private handlerFailure(err: unknown, stream: number): Response {
    if (isClientProtocolError(err)) return errorResponse(ErrorCode.PROTOCOL_ERROR, messageOf(err));
    if (hasErrorCode(err, ExecutionErrorCodes.OVERLOADED)) return errorResponse(ErrorCode.OVERLOADED, messageOf(err));
    this.ctx.log.warn({ err, stream, remote: this.socket.remoteAddress }, 'CQL request handler failed');
    return errorResponse(ErrorCode.SERVER_ERROR, messageOf(err));
  }

  /** The answer to a request that failed before reaching the handler (its bytes were framed correctly). */
  private answerFailure(stream: number, err: unknown): void {
    if (isClientProtocolError(err)) {
      this.writeResponse(stream, errorResponse(ErrorCode.PROTOCOL_ERROR, messageOf(err)));
      return;
    }
    this.ctx.log.error({ err, stream }, 'unexpected failure decoding a CQL request');
    this.writeResponse(stream, errorResponse(ErrorCode.SERVER_ERROR, messageOf(err)));
  }

  private writeResponse(stream: number, response: Response): void {
    const info = this.frameInfo;
    info.stream = stream;
    try {
      this.output.write(info, response);
    } catch (err) {
      // Our own response could not be encoded (too large, invalid data): a server bug,
      // reported to the client on the request's stream instead of killing the connection.
      this.ctx.log.error({ err, stream }, 'failed to encode a CQL response');
      response = errorResponse(ErrorCode.SERVER_ERROR, `failed to encode the response: ${messageOf(err)}`);
      this.output.write(info, response);
    }
    if (response.kind === 'error') this.ctx.metrics.errorSent(response.error.code);
  }

  /**
   * The byte stream is broken: answer on the offending stream when the client can parse
   * it (never after a CRC mismatch: nothing about that segment can be trusted) and close.
   */
  private failStream(err: unknown): void {
    if (hasErrorCode(err, ProtocolErrorCodes.SEGMENT_CRC)) {
      this.ctx.log.debug({ err, remote: this.socket.remoteAddress }, 'closing CQL connection after a v5 segment CRC mismatch');
    } else if (!isClientProtocolError(err)) {
      this.ctx.log.error({ err }, 'unexpected failure decoding CQL frames; closing the connection');
    } else {
      const where = err as { stream: number | null; version: number | null; message: string };
      const stream = where.stream ?? 0;
      if (this.version !== 0) {
        this.writeResponse(stream, errorResponse(ErrorCode.PROTOCOL_ERROR, where.message));
      } else {
        // The first frame: answer in a version the client parses so a driver can step down.
        this.output.flush();
        const answer = hasErrorCode(err, ProtocolErrorCodes.UNSUPPORTED_VERSION)
          ? encodeUnsupportedVersionError(where.version ?? 0, stream)
          : encodeResponse(
              { version: negotiationAnswerVersion(where.version ?? 0), stream },
              errorResponse(ErrorCode.PROTOCOL_ERROR, where.message),
            );
        this.socket.write(answer);
        this.ctx.metrics.errorSent(ErrorCode.PROTOCOL_ERROR);
      }
    }
    this.closeGracefully();
  }

  /** Flushes what is pending, half-closes, and destroys the socket if the client lingers. */
  private closeGracefully(): void {
    if (this.state >= State.CLOSING) return;
    this.state = State.CLOSING;
    this.parked = null;
    this.socket.pause();
    this.ctx.events.unsubscribe(this);
    this.ctx.budget.cancelWait(this);
    this.output.flush();
    this.socket.end();
    this.lingerTimer = setTimeout(this.onLingerExpired, CLOSE_LINGER_MS);
    this.lingerTimer.unref();
  }

  private park(frame: DecodedFrame, reason: number): void {
    this.parked = frame;
    this.block(reason);
  }

  private block(reason: number): void {
    if (this.blocked === 0) this.socket.pause();
    this.blocked |= reason;
  }

  private unblock(reason: number): void {
    if ((this.blocked & reason) === 0) return;
    this.blocked &= ~reason;
    if (this.blocked !== 0 || this.state >= State.CLOSING) return;
    this.socket.resume();
    this.pump();
  }
}
