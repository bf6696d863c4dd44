/**
 * Delivery: frames every audience shares go out as one topic publish; personal frames go
 * to each student's own sockets. A socket whose send buffer is full is closed rather than
 * left to grow (the client reconnects and resyncs from a snapshot).
 */
import { CLOSE_CODES, MAX_SOCKETS_PER_STUDENT } from '../protocol/constants';
import type { PersonalisedFrame } from '../protocol/frame-builders';
import { TOPIC_ADMINS, TOPIC_STUDENTS, type Publisher, type SocketPort } from './ports';
import type { StudentEntry } from './roster';

export class Broadcaster {
  readonly #admins = new Set<SocketPort>();

  constructor(private readonly publisher: Publisher) {}

  deliver(socket: SocketPort, data: string): void {
    if (socket.send(data) === 0) socket.close(CLOSE_CODES.SLOW_CONSUMER, 'too slow to keep up');
  }

  deliverToStudent(entry: StudentEntry, data: string): void {
    for (const socket of entry.sockets) this.deliver(socket, data);
  }

  toStudents(data: string): void {
    this.publisher.publish(TOPIC_STUDENTS, data);
  }

  toAdmins(data: string): void {
    this.publisher.publish(TOPIC_ADMINS, data);
  }

  toAll(data: string): void {
    this.toStudents(data);
    this.toAdmins(data);
  }

  /** The shared form to the admins' topic, each connected student's own form to their sockets. */
  toEachStudent<Personal>(
    frame: PersonalisedFrame<Personal>,
    students: Iterable<StudentEntry>,
    fieldsFor: (entry: StudentEntry) => Personal,
  ): void {
    this.toAdmins(frame.shared);
    for (const entry of students) {
      if (entry.sockets.size > 0) this.deliverToStudent(entry, frame.personal(fieldsFor(entry)));
    }
  }

  get hasAdmins(): boolean {
    return this.#admins.size > 0;
  }

  addAdmin(socket: SocketPort): void {
    this.#admins.add(socket);
  }

  removeAdmin(socket: SocketPort): void {
    this.#admins.delete(socket);
  }

  /**
   * Closes a student's oldest sockets so that one more fits under the cap: one cookie
   * cannot hold hundreds of sockets (and file descriptors).
   */
  makeRoomForSocket(entry: StudentEntry): void {
    for (const oldest of entry.sockets) {
      if (entry.sockets.size < MAX_SOCKETS_PER_STUDENT) return;
      entry.sockets.delete(oldest);
      oldest.close(CLOSE_CODES.TOO_MANY_CONNECTIONS, `more than ${MAX_SOCKETS_PER_STUDENT} connections for this student: the oldest was closed`);
    }
  }

  closeStudents(students: Iterable<StudentEntry>, code: number, reason: string): void {
    for (const entry of students) {
      for (const socket of entry.sockets) socket.close(code, reason);
      entry.sockets.clear();
    }
  }

  closeAdmins(code: number, reason: string): void {
    for (const socket of this.#admins) socket.close(code, reason);
    this.#admins.clear();
  }

  /** Open sockets by audience (reported by /healthz; zero after everyone leaves). */
  connectionCounts(students: Iterable<StudentEntry>): { students: number; admins: number } {
    let count = 0;
    for (const entry of students) count += entry.sockets.size;
    return { students: count, admins: this.#admins.size };
  }
}
