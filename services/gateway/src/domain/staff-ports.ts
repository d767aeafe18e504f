/** What the console's use cases need from storage; data-access/staff-store.ts provides it on PostgreSQL. */
export type StaffRole = 'admin' | 'staff';

export interface StaffAccount {
  id: string;
  email: string;
  role: StaffRole;
  passwordHash: string;
  totpSecret: string | null;
  totpPendingSecret: string | null;
}

export interface SignedInUser {
  accountId: string;
  email: string;
  role: StaffRole;
  totpEnabled: boolean;
  /** An admin without TOTP while the practice requires it: may only enrol or sign out. */
  totpSetupRequired: boolean;
}

export type AttemptAdmission = { admitted: true; attemptId: string } | { admitted: false; retryAfterSeconds: number };

export interface StaffStore {
  findAccountByEmail(email: string): Promise<StaffAccount | undefined>;
  /** Records an attempt as a failure unless the account or the client used up their failures. */
  admitAttempt(keys: { accountKey: Buffer; clientKey: Buffer }): Promise<AttemptAdmission>;
  clearAttempt(attemptId: string): Promise<void>;
  insertSession(session: { idHash: Buffer; accountId: string }): Promise<void>;
  totpRequiredForAdmin(): Promise<boolean>;
}
