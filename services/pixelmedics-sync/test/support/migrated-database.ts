import { createMigratedTestDatabase } from '@otk/test-kit';
import { migrations } from '../../src/data-access/migrations.js';

/** A database of its own with this service's schema migrated, and a pool on it. */
export const createMigratedDatabase = () => createMigratedTestDatabase(migrations);
