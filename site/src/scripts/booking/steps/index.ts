import type { View } from '../../../lib/flow.js';
import type { ViewRenderer } from '../flow.js';
import { datetimeStep } from './datetime.js';
import { groupStep } from './group.js';
import { patientStep } from './patient.js';
import { practitionerStep } from './practitioner.js';
import { sentView } from './sent.js';
import { summaryStep } from './summary.js';
import { typeStep } from './type.js';
import { visitKindStep } from './visit-kind.js';
import { waitlistSentView } from './waitlist-sent.js';
import { waitlistStep } from './waitlist.js';

/** Each view of the booking flow and the module that draws it; their order is in lib/steps.ts. */
export const views: Record<View, ViewRenderer> = {
  visitKind: visitKindStep,
  group: groupStep,
  type: typeStep,
  practitioner: practitionerStep,
  datetime: datetimeStep,
  patient: patientStep,
  summary: summaryStep,
  sent: sentView,
  waitlist: waitlistStep,
  waitlistSent: waitlistSentView,
};
