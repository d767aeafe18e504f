import { expect } from 'chai';
import { patientSchema } from './booking.js';
import { newAbsenceSchema, staffResourceSchema } from './catalogue.js';
import { holdBodyV1 } from './commands.js';
import { practiceProfileSchema } from './settings.js';
import { cancelByPracticeRequestV1 } from './staff-bookings.js';
import { personText } from './text.js';
import { joinWaitlistBodyV1, removeWaitlistEntryRequestV1 } from './waitlist.js';

describe('contracts: text a person entered', () => {
  const name = personText({ max: 20 });
  const refusal = (value: unknown) => {
    const result = name.safeParse(value);
    return result.success ? undefined : result.error.issues[0]!.message;
  };

  it('when a name holds a NUL character, then it is refused (PostgreSQL cannot store it)', () => {
    expect(refusal('Null\u0000Byte')).to.equal('must not contain control or text-direction characters');
  });

  it('when a name holds CR/LF, ESC, BEL or a C1 control, then it is refused (no forged lines in a message)', () => {
    for (const control of ['\r\n', '\n', '\u001b', '\u0007', '\u0085', '\t'])
      expect(refusal(`Anna${control}Bcc`), JSON.stringify(control)).to.equal(
        'must not contain control or text-direction characters',
      );
  });

  it('when a name holds a right-to-left override or another direction control, then it is refused', () => {
    for (const mark of ['\u202e', '\u202a', '\u2066', '\u2069', '\u200f', '\u061c', '\ufeff'])
      expect(refusal(`Anna${mark}xyz`), JSON.stringify(mark)).to.equal(
        'must not contain control or text-direction characters',
      );
  });

  it('when a name holds a lone surrogate, then it is refused as ill-formed Unicode', () => {
    expect(refusal('Anna\ud800')).to.equal('must be well-formed Unicode text');
    expect(refusal('\udc00Anna')).to.equal('must be well-formed Unicode text');
  });

  it('when a name is written with combining marks, then it is stored in NFC, trimmed', () => {
    expect(name.parse('  Zoe\u0308 ')).to.equal('Zo\u00eb');
  });

  it('when a name uses letters of any script, emoji or a joiner, then it is kept as written', () => {
    for (const value of ['Müller-Lüdenscheidt', "O'Brien", 'Ζωή', '李小龍', 'नमस्ते', '👩‍⚕️ Anna'])
      expect(name.parse(value)).to.equal(value.normalize('NFC'));
  });

  it('when a name is empty after trimming, or too long, then it is refused', () => {
    expect(refusal('   ')).to.match(/>=1/);
    expect(refusal('x'.repeat(21))).to.match(/<=20/);
  });

  it('when a value is not a string, then it is refused', () => {
    expect(refusal(42)).to.match(/expected string/);
  });
});

describe('contracts: birth date', () => {
  const birthDate = (value: string) =>
    patientSchema.safeParse({ firstName: 'Anna', lastName: 'Beispiel', birthDate: value }).success;
  const yearsAgo = (years: number, days = 0) => {
    const date = new Date(Date.now() - days * 86_400_000);
    date.setUTCFullYear(date.getUTCFullYear() - years);
    return date.toISOString().slice(0, 10);
  };

  it('when a birth date lies in the future, then it is refused', () => {
    expect(birthDate('2999-01-01')).to.equal(false);
    expect(birthDate(yearsAgo(0, -3))).to.equal(false);
  });

  it('when a birth date lies more than 130 years back, then it is refused; up to 130 years it is kept', () => {
    expect(birthDate(yearsAgo(130, 3))).to.equal(false);
    expect(birthDate('0001-01-01')).to.equal(false);
    expect(birthDate(yearsAgo(130, -3))).to.equal(true);
    expect(birthDate(yearsAgo(40))).to.equal(true);
    expect(birthDate(yearsAgo(0))).to.equal(true);
  });

  it('when a birth date is not a real calendar date, then it is refused', () => {
    expect(birthDate('1990-02-30')).to.equal(false);
    expect(birthDate('1990-13-01')).to.equal(false);
    expect(birthDate('1992-02-29')).to.equal(true);
    expect(birthDate('1991-02-29')).to.equal(false);
  });
});

describe('contracts: ids and staff texts by the same rules', () => {
  const validHold = {
    appointmentTypeId: 'checkup',
    practitionerId: 'dr-muster',
    start: '2030-01-07T08:00:00+01:00',
    channel: 'email',
    patient: { firstName: 'Anna', lastName: 'Beispiel', email: 'anna@example.ch' },
    consent: { accepted: true, privacyPolicyVersion: '2026-01' },
  };
  const refusedPaths = (
    schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } },
    value: unknown,
  ) => schema.safeParse(value).error?.issues.map((issue) => issue.path.join('.')) ?? [];

  it('when a hold names an appointment type or practitioner with a NUL or a lone surrogate, then it is refused at the edge (PostgreSQL would fail on it)', () => {
    expect(refusedPaths(holdBodyV1, validHold)).to.deep.equal([]);
    expect(refusedPaths(holdBodyV1, { ...validHold, practitionerId: 'dr-\u0000' })).to.deep.equal(['practitionerId']);
    expect(refusedPaths(holdBodyV1, { ...validHold, appointmentTypeId: 'a\ud800' })).to.deep.equal([
      'appointmentTypeId',
    ]);
    expect(
      refusedPaths(joinWaitlistBodyV1, {
        ...validHold,
        firstDay: '2030-01-07',
        lastDay: '2030-01-08',
        appointmentTypeId: '\u0000',
      }),
    ).to.deep.equal(['appointmentTypeId']);
  });

  it('when staff write a reason, a catalogue name or the practice profile with a lone surrogate or a control character, then it is refused (the audit log stores it as JSON)', () => {
    const absence = { practitionerId: 'dr-muster', startsAt: '2031-01-06T00:00', endsAt: '2031-01-07T00:00' };
    expect(refusedPaths(newAbsenceSchema, { ...absence, reason: 'Ferien' })).to.deep.equal([]);
    expect(refusedPaths(newAbsenceSchema, { ...absence, reason: null })).to.deep.equal([]);
    expect(refusedPaths(newAbsenceSchema, { ...absence, reason: 'a\ud800' })).to.deep.equal(['reason']);
    expect(refusedPaths(staffResourceSchema, { id: 'room-1', name: 'Raum\u0000', kind: 'room' })).to.deep.equal([
      'name',
    ]);
    expect(
      refusedPaths(cancelByPracticeRequestV1, { bookingId: crypto.randomUUID(), reason: 'krank\r\nBcc: x' }),
    ).to.deep.equal(['reason']);
    expect(
      refusedPaths(removeWaitlistEntryRequestV1, { entryId: crypto.randomUUID(), reason: '\udfff' }),
    ).to.deep.equal(['reason']);
    expect(
      refusedPaths(practiceProfileSchema.pick({ name: true, address: true, phone: true }), {
        name: 'Praxis',
        address: 'Weg 1\u0000',
        phone: null,
      }),
    ).to.deep.equal(['address']);
  });
});
