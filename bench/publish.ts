/**
 * The publisher process: {@link Publishers} for a run's targets (BENCH_TARGETS), driven by bench/main.ts over
 * IPC (lib/proc.ts). Each command is answered once every publish it made is answered.
 */
import { recordPauses } from './lib/pauses.js';
import { Publishers, type Target } from './lib/publisher.js';

recordPauses('publisher');

export type PublishCommand = { op: 'burst'; target: number; count: number } | { op: 'rotate'; count: number; perSecond: number };
export interface PublishReply {
  readonly published: number;
  readonly failures: number;
}

const publishers = new Publishers(JSON.parse(process.env.BENCH_TARGETS ?? '[]') as Target[]);
process.on('message', (cmd: PublishCommand) => {
  const done = (): void => void process.send?.({ published: publishers.published, failures: publishers.failures } satisfies PublishReply);
  if (cmd.op === 'burst') void publishers.burst(cmd.target, cmd.count).then(done);
  else void publishers.rotate(cmd.count, cmd.perSecond).then(done);
});
process.on('disconnect', () => {
  publishers.close();
  process.exit(0);
});
