import { runService } from '@otk/runtime';
import { availability } from './service.js';

await runService(availability);
