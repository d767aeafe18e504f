import { runService } from '@otk/runtime';
import { gateway } from './service.js';

await runService(gateway);
