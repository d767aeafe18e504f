import type { PracticeView } from '@otk/contracts';

export type StepName = 'visitKind' | 'group' | 'type' | 'practitioner' | 'datetime' | 'patient' | 'summary';

/** The flow's steps for this practice: F1 and F2 only where the practice switched them on. */
export function stepsFor(practice: Pick<PracticeView, 'steps'>): StepName[] {
  return [
    ...(practice.steps.visitKind ? (['visitKind'] as const) : []),
    ...(practice.steps.appointmentGroup ? (['group'] as const) : []),
    'type',
    'practitioner',
    'datetime',
    'patient',
    'summary',
  ];
}

/** What the patient has chosen so far. */
export interface Choices {
  visitKind?: 'first' | 'followup' | undefined;
  groupId?: string | undefined;
  typeId?: string | undefined;
  practitionerId?: string | undefined;
  slotStart?: string | undefined;
  patientComplete?: boolean | undefined;
}

/** True when every step before `step` has its answer, i.e. the step can be shown. */
export function isReachable(step: StepName, steps: readonly StepName[], choices: Choices): boolean {
  const answered: Record<StepName, boolean> = {
    visitKind: choices.visitKind !== undefined,
    group: choices.groupId !== undefined,
    type: choices.typeId !== undefined,
    practitioner: choices.practitionerId !== undefined,
    datetime: choices.slotStart !== undefined,
    patient: choices.patientComplete === true,
    summary: false,
  };
  const index = steps.indexOf(step);
  return index >= 0 && steps.slice(0, index).every((s) => answered[s]);
}

/** The furthest step up to `wanted` that can be shown. */
export function reachableStep(wanted: StepName, steps: readonly StepName[], choices: Choices): StepName {
  const index = Math.max(0, steps.indexOf(wanted));
  for (let i = index; i > 0; i -= 1) {
    const step = steps[i]!;
    if (isReachable(step, steps, choices)) return step;
  }
  return steps[0]!;
}
