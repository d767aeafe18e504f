/** The practice's sync settings, as data (the administration console edits them). */
export interface SyncSettings {
  /** A4: the colour of online appointments in the practice calendar. */
  onlineColour: string;
  /** How often the catalogue and staff-made busy times are imported. */
  importIntervalSeconds: number;
  /** How far ahead busy times are imported. */
  importHorizonDays: number;
}
