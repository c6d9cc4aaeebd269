// Loaded into the tslab kernel process before tslab itself (`node --require build/scripts/tslab-preload.js`, from
// scripts/kernel.ts): queues each ZeroMQ socket's sends and lifts the IOPub Publisher's high-water mark, so that no
// Jupyter message is lost (see lib/zmq-send-queue.ts).
import { TSLAB_DIR } from './lib/shell';
import { keepEveryMessage, type ZeroMq } from './lib/zmq-send-queue';

// the zeromq that tslab will load: resolved from tslab's own folder (the one kernel.ts starts), as its require('zeromq') is
keepEveryMessage(require(require.resolve('zeromq', { paths: [TSLAB_DIR] })) as ZeroMq);
