import { startPage } from '../lib/page.js';
import { createFlow } from './booking/flow.js';
import { views } from './booking/steps/index.js';

/** The booking flow (F1–F7): its steps are in lib/steps.ts, its state in lib/flow.ts, its views in booking/steps/. */
const flow = createFlow(views);
void startPage((context) => flow.start(context));
