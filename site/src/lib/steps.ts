import type { PracticeView } from '@otk/contracts';
import type { Slot } from './slots.js';

/** The answer each step collects; the summary collects none. */
export interface Answers {
  visitKind?: 'first' | 'followup' | undefined;
  group?: string | undefined;
  type?: string | undefined;
  practitioner?: string | undefined;
  datetime?: Slot | undefined;
  patient?: true | undefined;
}

export type StepName = keyof Answers | 'summary';

interface StepDefinition {
  name: StepName;
  /** The practice setting that switches an optional step on (F1, F2). */
  shownWhen?: (steps: PracticeView['steps']) => boolean;
  /** The step's answer depends on the earlier answers: changing one of those clears it. */
  dependent: boolean;
}

/**
 * The booking flow's steps in their order: adding, reordering or making a step optional happens
 * here alone (its view is a module of scripts/booking/steps/).
 */
const definitions: readonly StepDefinition[] = [
  { name: 'visitKind', shownWhen: (steps) => steps.visitKind, dependent: true },
  { name: 'group', shownWhen: (steps) => steps.appointmentGroup, dependent: true },
  { name: 'type', dependent: true },
  { name: 'practitioner', dependent: true },
  { name: 'datetime', dependent: true },
  { name: 'patient', dependent: false },
  { name: 'summary', dependent: false },
];

/** The flow's steps for this practice: the optional ones only where the practice switched them on. */
export function stepsFor(practice: Pick<PracticeView, 'steps'>): StepName[] {
  return definitions.filter((step) => step.shownWhen?.(practice.steps) ?? true).map((step) => step.name);
}

/** The steps whose answers a new answer to `step` makes void. */
export function dependentsOf(step: StepName): StepName[] {
  const index = definitions.findIndex((definition) => definition.name === step);
  return definitions
    .slice(index + 1)
    .filter((definition) => definition.dependent)
    .map((definition) => definition.name);
}

function isAnswered(step: StepName, answers: Answers): boolean {
  return step !== 'summary' && answers[step] !== undefined;
}

/** True when every step before `step` has its answer, i.e. the step can be shown. */
export function isReachable(step: StepName, steps: readonly StepName[], answers: Answers): boolean {
  const index = steps.indexOf(step);
  return index >= 0 && steps.slice(0, index).every((s) => isAnswered(s, answers));
}

/** The furthest step up to `wanted` that can be shown. */
export function reachableStep(wanted: StepName, steps: readonly StepName[], answers: Answers): StepName {
  const index = Math.max(0, steps.indexOf(wanted));
  for (let i = index; i > 0; i -= 1) {
    const step = steps[i]!;
    if (isReachable(step, steps, answers)) return step;
  }
  return steps[0]!;
}

/** The step after `step` in this practice's order (the last one stays). */
export function stepAfter(step: StepName, steps: readonly StepName[]): StepName {
  return steps[Math.min(steps.indexOf(step) + 1, steps.length - 1)]!;
}

/** The step before `step` in this practice's order (the first one stays). */
export function stepBefore(step: StepName, steps: readonly StepName[]): StepName {
  return steps[Math.max(steps.indexOf(step) - 1, 0)]!;
}
