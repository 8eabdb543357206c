"""Storage behind one interface (`Store`), with an in-memory fake, TinyDB and PostgreSQL implementations."""
