"""SQLAlchemy storage: models, migrations, the database handle and the SQL-backed stores."""
