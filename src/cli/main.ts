import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/config.ts';
import { registerClientCommands } from './commands/index.ts';

// The `tributary` command: server processes here, client commands over the HTTP API beside it.
// The server modules load only for the server commands, so client commands start about four times faster.

const program = new Command('tributary').description('Tributary data ingestion').showHelpAfterError();

program
  .command('serve')
  .description('Run the API, the web UI, the scheduler and the workers in one process')
  .action(async () => {
    const { serve } = await import('../server/serve.ts');
    const server = await serve(loadConfig());
    stopOnSignals(() => server.stop());
  });

program
  .command('worker')
  .description('Run workers only; several processes can share one PostgreSQL database (DATABASE_URL)')
  .action(async () => {
    const { runWorker } = await import('../server/worker.ts');
    const worker = await runWorker(loadConfig());
    stopOnSignals(() => worker.stop());
  });

program
  .command('migrate')
  .description('Create or update the metadata database schema, then exit')
  .action(async () => {
    const config = loadConfig();
    const { openStore } = await import('../store/store.ts');
    const store = await openStore({ url: config.databaseUrl });
    console.log(`Schema up to date: ${store.description}`);
    await store.close();
  });

registerClientCommands(program);

/** Stops gracefully on SIGTERM or SIGINT; a second signal exits at once. */
function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`Received ${signal}, stopping…`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
