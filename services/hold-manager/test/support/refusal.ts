import { AppError } from '@otk/contracts';
import { expect } from 'chai';

/** The AppError a use case refused with; fails the test when it succeeded or threw anything else. */
export const refusalOf = (promise: Promise<unknown>): Promise<AppError> =>
  promise.then(
    () => expect.fail('expected a refusal'),
    (error: unknown) => {
      if (!(error instanceof AppError)) throw error;
      return error;
    },
  );
