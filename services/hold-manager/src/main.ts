import { runService } from '@otk/runtime';
import { holdManager } from './service.js';

await runService(holdManager);
