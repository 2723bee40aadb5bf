-- Schema v9: personal fields at rest (issue 18).
--
-- A customer's personal fields (phone, e-mail) are kept only sealed, in `personal`: one
-- XChaCha20-Poly1305 value per customer (src/crypto.rs), opened with a key the store never
-- holds. The plaintext columns `phone` and `email` of v1 stay for the rows of older stores,
-- which the first open with a key seals and clears; nothing may write them again (the
-- triggers below), so a plaintext phone number cannot come back by mistake.
ALTER TABLE customers ADD COLUMN personal BLOB;
-- When `custval customer forget` erased the customer's personal data (NULL: never).
ALTER TABLE customers ADD COLUMN forgotten_at TEXT;

-- One row: the id of the key the store's sealed values are sealed with (NULL until the first
-- value is sealed), and whether v1 rows with plaintext phone or e-mail still wait to be sealed.
CREATE TABLE privacy (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    key_id    TEXT,
    plaintext INTEGER NOT NULL CHECK (plaintext IN (0, 1))
);
INSERT INTO privacy (id, key_id, plaintext)
    VALUES (1, NULL, EXISTS (SELECT 1 FROM customers WHERE phone IS NOT NULL OR email IS NOT NULL));

CREATE TRIGGER customers_no_plaintext_insert BEFORE INSERT ON customers
    WHEN NEW.phone IS NOT NULL OR NEW.email IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'personal fields are stored only encrypted (customers.personal)');
END;
CREATE TRIGGER customers_no_plaintext_update BEFORE UPDATE OF phone, email ON customers
    WHEN NEW.phone IS NOT NULL OR NEW.email IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'personal fields are stored only encrypted (customers.personal)');
END;
