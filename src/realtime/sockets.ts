/**
 * The two WebSocket endpoints, on Bun's native server: authenticate at upgrade (cookie,
 * and Origin for the admin), keep only the identity in `ws.data`, subscribe to the
 * audience's topic, and forward validated frames to the controller. Nothing else.
 */
import type { Server, ServerWebSocket, WebSocketHandler } from 'bun';
import { AppError } from '../errors';
import type { CookieNaming } from '../identity/cookie-names';
import { asStudentClaim, readFirstSignedCookie, type StudentClaim } from '../identity/cookies';
import type { InstructorCheck } from '../identity/instructor';
import { clientIp, isAllowedOrigin, type OriginSettings } from '../identity/request-origin';
import {
  adminFrameChecker,
  ADMIN_FRAME_TYPES,
  decodeFrame,
  describeShapeError,
  studentFrameChecker,
  STUDENT_FRAME_TYPES,
} from '../protocol/client-frames';
import { CLOSE_CODES, SOCKET_PATHS } from '../protocol/constants';
import { errorFrame } from '../protocol/frame-builders';
import type { SessionController } from '../session/controller';
import { TOPIC_ADMINS, TOPIC_STUDENTS, type SocketPort } from '../session/ports';
import type { StudentEntry } from '../session/roster';

export interface SocketDeps {
  controller: SessionController;
  instructor: InstructorCheck;
  signingKey: string;
  cookieNames: CookieNaming;
  origins: OriginSettings;
  maxSocketsPerAddress: number;
}

export type SocketData = (
  | { audience: 'student'; claim: StudentClaim; entry: StudentEntry | null; port: SocketPort | null }
  | { audience: 'admin'; signInId: string; port: SocketPort | null }
  | { audience: 'refused' }
) & { lastHeardAt?: number; address: string };

/**
 * Our own liveness check. Bun's idleTimeout restarts on every *send*, so a phone that
 * vanished mid-lecture (half-open TCP) would stay "connected" as long as the quiz keeps
 * broadcasting to it (bun PR 39255). Every interval each socket is pinged; one that has
 * sent nothing (no frame, no pong) for `deadAfterMs` is terminated.
 */
export interface HeartbeatOptions {
  intervalMs: number;
  deadAfterMs: number;
}
export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 15_000, deadAfterMs: 45_000 };

/** Bun's socket limits: the hard frame cap sits far above the contract's 4 KiB so that
 * oversized frames get an `error` reply instead of a dropped connection. */
export const SOCKET_OPTIONS = {
  maxPayloadLength: 1024 * 1024,
  backpressureLimit: 1024 * 1024,
  closeOnBackpressureLimit: true,
  idleTimeout: 60,
  sendPings: true,
  perMessageDeflate: false,
  publishToSelf: false,
} as const;

function portFor(ws: ServerWebSocket<SocketData>): SocketPort {
  return {
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
  };
}

export function createSocketEndpoints(deps: SocketDeps, heartbeat: HeartbeatOptions = DEFAULT_HEARTBEAT) {
  const { controller } = deps;
  // Liveness runs on real time whatever clock the session is given: it is about TCP peers.
  const openSockets = new Set<ServerWebSocket<SocketData>>();
  const heartbeatTimer = setInterval(() => {
    const now = Date.now();
    for (const ws of openSockets) {
      if (now - (ws.data.lastHeardAt ?? now) > heartbeat.deadAfterMs) {
        forgetSocket(ws);
        ws.terminate();
      } else ws.ping();
    }
  }, heartbeat.intervalMs);

  const socketsByAddress = new Map<string, number>();
  const forgetSocket = (ws: ServerWebSocket<SocketData>) => {
    if (!openSockets.delete(ws)) return;
    const left = (socketsByAddress.get(ws.data.address) ?? 1) - 1;
    if (left > 0) socketsByAddress.set(ws.data.address, left);
    else socketsByAddress.delete(ws.data.address);
  };

  // Signing out ends that sign-in's consoles and projectors at once, not at their next reconnect.
  const stopListening = deps.instructor.onSignOut((signInId) => {
    for (const ws of openSockets) {
      if (ws.data.audience === 'admin' && (signInId === null || ws.data.signInId === signInId)) {
        ws.close(CLOSE_CODES.UNAUTHORIZED, 'signed out');
      }
    }
  });

  /** Returns a Response when the request is refused or not an upgrade; undefined once upgraded. */
  async function upgrade(request: Request, server: Server<SocketData>): Promise<Response | undefined> {
    const path = new URL(request.url).pathname;
    const cookieHeader = request.headers.get('cookie');
    // A page on another origin must not ride on this browser's cookie (students' are SameSite=Lax).
    if (!isAllowedOrigin(request, deps.origins)) {
      return new AppError(403, 'forbidden_origin', 'this request comes from another site').toResponse();
    }
    const address = clientIp(request, deps.origins.trustProxy, (r) => server.requestIP(r)?.address ?? null);
    if ((socketsByAddress.get(address) ?? 0) >= deps.maxSocketsPerAddress) {
      return new AppError(429, 'too_many_connections', 'too many connections from this address').toResponse();
    }
    const readCookie = (kind: 'student' | 'admin') =>
      readFirstSignedCookie(cookieHeader, deps.cookieNames.acceptedNames(kind), deps.signingKey);
    let data: SocketData;
    if (path === SOCKET_PATHS.ADMIN) {
      const signIn = deps.instructor.claimOf(await readCookie('admin'));
      data = signIn ? { audience: 'admin', signInId: signIn.sid, port: null, address } : { audience: 'refused', address };
    } else {
      const claim = asStudentClaim(await readCookie('student'));
      data = claim ? { audience: 'student', claim, entry: null, port: null, address } : { audience: 'refused', address };
    }
    // Refused sockets are still upgraded: a browser sees close code 4401, never an HTTP status.
    if (server.upgrade(request, { data })) return undefined;
    return new AppError(426, 'upgrade_required', 'this endpoint speaks WebSocket').toResponse();
  }

  const handlers: WebSocketHandler<SocketData> = {
    ...SOCKET_OPTIONS,
    open(ws) {
      const data = ws.data;
      if (data.audience === 'refused') return ws.close(CLOSE_CODES.UNAUTHORIZED, 'not signed in');
      data.lastHeardAt = Date.now();
      openSockets.add(ws);
      socketsByAddress.set(data.address, (socketsByAddress.get(data.address) ?? 0) + 1);
      data.port = portFor(ws);
      if (data.audience === 'admin') {
        ws.subscribe(TOPIC_ADMINS);
        controller.connectAdmin(data.port);
        return;
      }
      // Checked at open, not only at upgrade: a reset or release may have happened in between.
      const entry = controller.authenticate(data.claim);
      if (!entry) return ws.close(CLOSE_CODES.UNAUTHORIZED, 'this session is no longer valid; join again');
      data.entry = entry;
      ws.subscribe(TOPIC_STUDENTS);
      controller.connectStudent(entry, data.port);
    },
    message(ws, raw) {
      const data = ws.data;
      if (data.audience === 'refused' || !data.port) return;
      data.lastHeardAt = Date.now();
      const decoded = decodeFrame(raw);
      if (!decoded.ok) {
        ws.send(errorFrame(decoded.code, decoded.message));
        return;
      }
      if (data.audience === 'admin') {
        if (!adminFrameChecker.Check(decoded.value)) {
          const problem = describeShapeError(decoded.value, ADMIN_FRAME_TYPES);
          ws.send(errorFrame(problem.code, problem.message));
          return;
        }
        controller.commandFromSocket(data.port, decoded.value.type);
        return;
      }
      if (!studentFrameChecker.Check(decoded.value)) {
        const problem = describeShapeError(decoded.value, STUDENT_FRAME_TYPES);
        ws.send(errorFrame(problem.code, problem.message));
        return;
      }
      if (!data.entry) return;
      controller.receiveStudentFrame(data.port, data.entry, decoded.value);
    },
    pong(ws) {
      ws.data.lastHeardAt = Date.now();
    },
    close(ws) {
      forgetSocket(ws);
      const data = ws.data;
      if (data.audience === 'refused' || !data.port) return;
      if (data.audience === 'admin') controller.disconnectAdmin(data.port);
      else if (data.entry) controller.disconnectStudent(data.entry, data.port);
    },
  };

  return {
    upgrade,
    handlers,
    stop() {
      clearInterval(heartbeatTimer);
      stopListening();
    },
  };
}
