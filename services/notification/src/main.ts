import { runService } from '@otk/runtime';
import { notification } from './service.js';

await runService(notification);
