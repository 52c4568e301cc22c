// A worker process for engine tests: starts the engine on the given databases with the in-memory
// test source, prints "ready", and stops on SIGTERM. Tests spawn several, or kill one mid-run.
import { openWarehouse } from '../../src/datasets/warehouse.ts';
import { startEngine } from '../../src/engine/start.ts';
import { systemClock } from '../../src/domain/time.ts';
import { openStore } from '../../src/store/store.ts';
import { memorySource, silentLogger, testConfig } from '../engine/fixtures.ts';

const env = process.env;
const store = await openStore({
  url: env.TEST_DATABASE_URL!,
  ...(env.TEST_DATABASE_SCHEMA ? { schema: env.TEST_DATABASE_SCHEMA } : {}),
  poolSize: 4,
});
const warehouse = await openWarehouse({
  url: env.TEST_WAREHOUSE_URL!,
  ...(env.TEST_WAREHOUSE_SCHEMA ? { schema: env.TEST_WAREHOUSE_SCHEMA } : {}),
  poolSize: 3,
});
const source = memorySource(warehouse, {
  batchSize: Number(env.TEST_BATCH_SIZE ?? 100),
  ...(env.TEST_GATE_FILE ? { gateFile: env.TEST_GATE_FILE } : {}),
  ...(env.TEST_EXECUTION_LOG ? { executionLog: env.TEST_EXECUTION_LOG } : {}),
});
const engine = await startEngine({
  store,
  warehouse,
  config: testConfig({ leaseSeconds: Number(env.TEST_LEASE_SECONDS ?? 2) }),
  logger: silentLogger,
  clock: systemClock,
  scheduler: false,
  workers: Number(env.TEST_WORKERS ?? 1),
  preparer: source.preparer,
  shutdownGraceMs: 1000,
});
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void (async () => {
    await engine.stop();
    await warehouse.close();
    await store.close();
    process.exit(0);
  })();
});
