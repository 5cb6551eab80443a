"""The one home of the test builders, shared by every area of tests/ (and by e2e/ and bench/):
databases, firms and their people, clients, declarations, habilitations, the outbox and SMTP
servers, page forms and statement counts. Builders go through the same db/ operations or row
writes as the portal, so that what a test prepares is what the portal would have stored."""
