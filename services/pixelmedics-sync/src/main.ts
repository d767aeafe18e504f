import { runService } from '@otk/runtime';
import { pixelmedicsSync } from './service.js';

await runService(pixelmedicsSync);
