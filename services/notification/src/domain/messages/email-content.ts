/**
 * One e-mail as structure, before it becomes HTML and text: both are rendered from this, so the
 * two never say different things.
 */
export interface EmailContent {
  language: string;
  subject: string;
  /** Marks a staff copy, above everything else. */
  banner?: string;
  greeting: string;
  paragraphs: string[];
  details: { label: string; value: string }[];
  action?: { label: string; url: string };
  /** A plain link after the notes, e.g. a reminder's opt-out. */
  secondaryAction?: { label: string; url: string };
  notes: string[];
  signature: string[];
  footer: string[];
}
