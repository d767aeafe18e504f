-- Up Migration
-- Which patient fields besides the names the booking site asks for as required (F6, a practice
-- setting). The date of birth is required by default: the practice system matches contacts by it (S1).
ALTER TABLE practice
  ADD COLUMN required_patient_fields text[] NOT NULL DEFAULT '{birthDate}'
    CHECK (required_patient_fields <@ ARRAY['birthDate', 'gender', 'street', 'postcode', 'town', 'country',
                                            'phone', 'email']::text[]);

-- Down Migration
ALTER TABLE practice DROP COLUMN required_patient_fields;
