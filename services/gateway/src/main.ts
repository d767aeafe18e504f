import { runService } from '@otk/runtime';
import { createAdminCommand } from './entry-points/create-admin.command.js';
import { gateway } from './service.js';

if (process.argv[2] === 'create-admin') {
  process.exitCode = await createAdminCommand(process.argv.slice(3)).catch((error: unknown) => {
    process.stderr.write(`create-admin failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
} else {
  await runService(gateway);
}
