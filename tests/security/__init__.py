"""Security tests (OWASP ASVS 5.0, PIPL): authentication, HTTP hygiene, personal data,
faults, fuzzing, authorisation."""
