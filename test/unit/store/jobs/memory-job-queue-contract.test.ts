import { MemorySaveJobQueue } from '../../../../src/store/jobs/memory-save-job-queue.js';
import { defineJobQueueContract } from './job-queue-contract.js';

defineJobQueueContract({
  label: 'memory',
  durable: false,
  open: async (_space, options) => new MemorySaveJobQueue(options),
  closeAll: async () => undefined,
});
