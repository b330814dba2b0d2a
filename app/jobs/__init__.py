"""Background work: one set of job functions, run by procrastinate workers on PostgreSQL
(``vitrina worker``) or by threads of ``vitrina serve`` on SQLite; ``queue`` is the front door."""
