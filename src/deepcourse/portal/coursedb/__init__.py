"""The course database: students, staff, registrations, pairs, grades and the audit log."""
