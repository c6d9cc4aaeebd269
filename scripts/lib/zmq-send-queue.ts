// No Jupyter message lost by the tslab kernel: one send at a time per ZeroMQ socket, in order, and no drop at the
// IOPub Publisher's high-water mark.
//
// tslab 1.0.22 sends every Jupyter message with zeromq 6's `socket.send(parts)` and does not wait for it. zeromq 6
// completes at most 512 sends on a socket synchronously; it writes the next one on a later turn of the event loop,
// and a send made before that throws EBUSY ("Socket is busy writing; only one send operation may be in progress at
// any time"). The kernel's IOPub socket carries every status, stream and display message, so this happens about once
// every 513 messages, wherever the count falls:
// - a `console.log` line is lost (Node's console swallows the throw);
// - a cell's `status: idle` is lost, and the client waits for it until its IOPub timeout;
// - a display (showFigure, showSource) throws inside the cell, so the cell fails; tslab's report of that failure is
//   lost the same way, and the cell ends with status "error", no message and no output.
// A notebook's message count depends on timings (progress bars redraw on a clock), so the failure moved from cell to
// cell and run to run. `queueSends` makes a send that finds an earlier one still in flight wait for it: every message
// leaves, in the order it was sent.
// Separately, a Publisher drops what it cannot queue beyond its high-water mark (1 000 messages by default): a cell
// printing over a thousand lines in one loop lost the rest. `unboundedPublishers` lifts that limit for the kernel's
// IOPub socket (its one Publisher), so a burst waits in memory until the client reads it.

const QUEUED = Symbol.for('attention-workbook.zmq-send-queue');

interface SocketClass {
  prototype: object;
}

type PublisherClass = new (options?: Record<string, unknown>) => object;

/** The parts of zeromq 6's module these patches touch. */
export interface ZeroMq {
  Socket: SocketClass;
  Publisher: PublisherClass;
}

/** Both patches on a zeromq 6 module, as the kernel's preload applies them. */
export function keepEveryMessage(zmq: ZeroMq): void {
  queueSends(zmq.Socket);
  unboundedPublishers(zmq);
}

/**
 * Replaces `zmq.Publisher` (zeromq 6's module exports) with a subclass whose sendHighWaterMark defaults to 0, no
 * limit, so that a burst of messages is queued, not dropped. An explicit option still wins. Returns false if
 * already done.
 */
export function unboundedPublishers(zmq: Pick<ZeroMq, 'Publisher'>): boolean {
  const Publisher = zmq.Publisher as PublisherClass & { [QUEUED]?: true };
  if (Publisher[QUEUED]) return false;
  class UnboundedPublisher extends Publisher {
    constructor(options: Record<string, unknown> = {}) {
      super({ sendHighWaterMark: 0, ...options });
    }
  }
  Object.defineProperty(UnboundedPublisher, QUEUED, { value: true });
  Object.defineProperty(UnboundedPublisher, 'name', { value: 'Publisher' });
  zmq.Publisher = UnboundedPublisher;
  return true;
}

type Send = (this: object, message: unknown) => Promise<void>;

/**
 * Patches `Socket.prototype.send` (zeromq 6) so that a send waits for the same socket's earlier sends. The
 * first send on an idle socket goes straight through, as before; later ones in the same turn are chained
 * behind it. What each send returns (its promise, or a synchronous throw for a closed socket) is unchanged.
 * Returns false if the class was already patched.
 */
export function queueSends(Socket: SocketClass): boolean {
  const proto = Socket.prototype as Record<PropertyKey, unknown>;
  if (proto[QUEUED]) return false;
  const send = proto.send;
  if (typeof send !== 'function') throw new Error('queueSends: this zeromq Socket class has no send method (zeromq 6 expected)');
  const tails = new WeakMap<object, Promise<unknown>>(); // per socket: settles when its last queued send has
  const queued: Send = function (this: object, message: unknown): Promise<void> {
    const tail = tails.get(this);
    const run = () => (send as Send).call(this, message);
    const result = tail ? tail.then(run) : run();
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    tails.set(this, settled);
    void settled.then(() => {
      if (tails.get(this) === settled) tails.delete(this);
    });
    return result;
  };
  Object.defineProperty(proto, 'send', { value: queued, writable: false, enumerable: false, configurable: true });
  Object.defineProperty(proto, QUEUED, { value: true });
  return true;
}
