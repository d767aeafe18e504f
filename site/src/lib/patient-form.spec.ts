import { expect } from 'chai';
import {
  type PatientEntries,
  emptyEntries,
  fieldOfServerPath,
  normalizePhone,
  toPatient,
  validateAll,
  validateField,
} from './patient-form.js';

const today = '2026-11-25';
/** The practice's default: the date of birth besides the names and the contact. */
const required = ['birthDate'];
const entries = (overrides: Partial<PatientEntries>): PatientEntries => ({ ...emptyEntries, ...overrides });
const complete = entries({
  firstName: 'Anna',
  lastName: 'Beispiel',
  birthDate: '1985-04-12',
  email: 'anna@example.ch',
});

describe('site patient form', () => {
  it('when names, date of birth and the e-mail are there, then the form is valid', () => {
    expect(validateAll(complete, today, required)).to.deep.equal({});
  });

  it('when the confirmation goes by SMS, then the phone is required instead of the e-mail', () => {
    const sms = { ...complete, channel: 'sms' as const, email: '' };
    expect(validateAll(sms, today, required)).to.deep.equal({ phone: 'validation.required' });
    expect(validateAll({ ...sms, phone: '079 123 45 67' }, today, required)).to.deep.equal({});
  });

  it('when the practice requires the address and the gender, then they are required and the date of birth is not', () => {
    const practiceRequires = ['street', 'postcode', 'town', 'gender'];
    const withoutBirthDate = { ...complete, birthDate: '' };
    expect(validateAll(withoutBirthDate, today, practiceRequires)).to.deep.equal({
      gender: 'validation.required',
      street: 'validation.required',
      postcode: 'validation.required',
      town: 'validation.required',
    });
    const filledIn = { ...withoutBirthDate, gender: 'female', street: 'Seeweg 1', postcode: '8000', town: 'Zürich' };
    expect(validateAll(filledIn, today, practiceRequires)).to.deep.equal({});
    expect(validateAll(withoutBirthDate, today, required)).to.deep.equal({ birthDate: 'validation.required' });
  });

  it('when an e-mail address lacks its domain, then it is refused', () => {
    expect(validateField('email', { ...complete, email: 'anna@' }, today, required)).to.equal('validation.email');
    expect(validateField('email', { ...complete, email: 'anna@example' }, today, required)).to.equal(
      'validation.email',
    );
  });

  it('when the date of birth is in the future or impossible, then it is refused', () => {
    expect(validateField('birthDate', { ...complete, birthDate: '2027-01-01' }, today, required)).to.equal(
      'validation.birthDate',
    );
    expect(validateField('birthDate', { ...complete, birthDate: '1990-02-30' }, today, required)).to.equal(
      'validation.birthDate',
    );
  });

  it('when a Swiss number is typed the local way, then it is sent in international form', () => {
    expect(normalizePhone('079 123 45 67')).to.equal('+41791234567');
    expect(normalizePhone('0049 (30) 123-4567')).to.equal('+49301234567');
    expect(toPatient({ ...complete, phone: '079 123 45 67', street: '  ' })).to.deep.equal({
      firstName: 'Anna',
      lastName: 'Beispiel',
      birthDate: '1985-04-12',
      country: 'CH',
      phone: '+41791234567',
      email: 'anna@example.ch',
    });
  });

  it('when the server names a bad field, then it is mapped to the form field', () => {
    expect(fieldOfServerPath('patient.email')).to.equal('email');
    expect(fieldOfServerPath('patient.unknown')).to.equal(null);
    expect(fieldOfServerPath('start')).to.equal(null);
  });
});
