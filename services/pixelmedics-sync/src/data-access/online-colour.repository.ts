import type pg from 'pg';
import { migrations } from './migrations.js';

/** A4: the colour of the next online appointment written to the practice calendar. */
export async function updateOnlineColour(db: Pick<pg.ClientBase, 'query'>, colour: string): Promise<void> {
  await db.query(`UPDATE ${migrations.schema}.settings SET online_colour = $1`, [colour]);
}
