import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { practiceSystemOpenApi } from '../scripts/practice-system-openapi.js';
import { documentPath } from '../scripts/write-openapi.js';

describe('practice-system connector contract document', () => {
  it('when the contract in code changes, then docs/api/practice-system.openapi.json is regenerated with it', () => {
    const checkedIn = JSON.parse(readFileSync(documentPath, 'utf8')) as unknown;
    expect(checkedIn, 'run: npm run docs:api -w services/pixelmedics-sync').to.deep.equal(practiceSystemOpenApi());
  });
});
